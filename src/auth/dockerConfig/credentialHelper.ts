// Docker's credential-helper protocol, `get` only: `docker-credential-<name> get` reads the server
// URL on stdin and prints `{"ServerURL","Username","Secret"}` on stdout.
import type { AbortSignalLike } from "@azure/abort-controller";
import { spawn } from "node:child_process";
import { redactSecrets } from "../../diagnostics/redaction.js";
import type { DockerCredentials } from "./dockerConfigFile.js";
import { DockerCredentialError } from "./dockerCredentialError.js";

/** What helpers print for a server they hold nothing for (Docker matches this exact text). */
const NOT_FOUND_MESSAGE = "credentials not found in native keychain";
/** The user name that makes `Secret` an identity token rather than a password. */
const IDENTITY_TOKEN_USERNAME = "<token>";
/** A helper may wait on a keychain prompt, but not forever. */
const HELPER_TIMEOUT_MS = 60_000;
const MAX_OUTPUT_BYTES = 64 * 1024;
/** A helper name is a program-name suffix: never a path, an option or shell syntax. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

interface HelperRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function run(program: string, input: string, abortSignal: AbortSignalLike | undefined): Promise<HelperRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ["get"], { stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    const output = { stdout: "", stderr: "" };
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abortSignal?.removeEventListener("abort", onAbort);
      outcome();
    };
    const fail = (message: string): void => {
      child.kill("SIGKILL");
      finish(() => reject(new DockerCredentialError(message, "CredentialHelperFailed", program)));
    };
    const onAbort = (): void => fail(`${program} get was cancelled`);
    const timer = setTimeout(() => fail(`${program} get did not answer within ${HELPER_TIMEOUT_MS / 1000} s`), HELPER_TIMEOUT_MS);
    abortSignal?.addEventListener("abort", onAbort);
    for (const stream of ["stdout", "stderr"] as const) {
      child[stream].setEncoding("utf8");
      child[stream].on("data", (chunk: string) => {
        output[stream] += chunk;
        if (output[stream].length > MAX_OUTPUT_BYTES) fail(`${program} get printed more than ${MAX_OUTPUT_BYTES} bytes`);
      });
    }
    child.once("error", (error: NodeJS.ErrnoException) => {
      const missing = error.code === "ENOENT" || error.code === "EACCES";
      const message = missing
        ? `The Docker credential helper ${program} was not found on PATH (or may not be run): install it, or remove it from the Docker config`
        : `The Docker credential helper ${program} could not be started (${error.code ?? error.message})`;
      finish(() => reject(new DockerCredentialError(message, missing ? "CredentialHelperNotFound" : "CredentialHelperFailed", program)));
    });
    child.once("close", (exitCode) => finish(() => resolve({ exitCode, ...output })));
    // A helper that exits without reading stdin makes the write fail with EPIPE: its exit code tells.
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

/** A helper's message for an error, made safe for an error message: one line, no secrets, bounded. */
function helperMessage(run: HelperRun): string {
  const text = (run.stdout.trim() || run.stderr.trim()).split("\n")[0] ?? "";
  return redactSecrets(text).slice(0, 200);
}

/**
 * Asks `docker-credential-<helper>` for the credentials of `serverAddress`. Undefined when the
 * helper holds none; a `DockerCredentialError` naming the helper when it is missing, fails or
 * answers something else than its JSON.
 */
export async function credentialsFromHelper(
  helper: string,
  serverAddress: string,
  abortSignal?: AbortSignalLike,
): Promise<DockerCredentials | undefined> {
  if (!HELPER_NAME.test(helper)) {
    throw new DockerCredentialError(`"${helper}" is not a credential helper name (letters, digits, . _ -)`, "InvalidDockerConfig");
  }
  const program = `docker-credential-${helper}`;
  const result = await run(program, serverAddress, abortSignal);
  if (result.exitCode !== 0) {
    if (result.stdout.trim() === NOT_FOUND_MESSAGE) return undefined;
    const message = helperMessage(result);
    throw new DockerCredentialError(
      `The Docker credential helper ${program} failed (exit code ${result.exitCode})${message ? `: ${message}` : ""}`,
      "CredentialHelperFailed",
      program,
    );
  }
  let answer: unknown;
  try {
    answer = JSON.parse(result.stdout);
  } catch {
    answer = undefined;
  }
  const { Username: username, Secret: secret } = (answer ?? {}) as { Username?: unknown; Secret?: unknown };
  if (typeof answer !== "object" || answer === null || typeof secret !== "string" || (username !== undefined && typeof username !== "string")) {
    // The output may hold the secret: it is not quoted.
    throw new DockerCredentialError(`The Docker credential helper ${program} answered something else than {"Username","Secret"} JSON`, "CredentialHelperFailed", program);
  }
  if (secret === "") return undefined;
  if (username === IDENTITY_TOKEN_USERNAME) return { identityToken: secret };
  return { ...(username && { username }), password: secret };
}
