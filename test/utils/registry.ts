// Runs the CNCF distribution registry (Debian `docker-registry`) on an ephemeral loopback port.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { selfSignedCertificate, type Certificate } from "./certificates.js";
import { runCommand } from "./commands.js";
import { atProcessEnd, makeTempDir, removeTempDir } from "./processCleanup.js";

export type { Certificate } from "./certificates.js";

const REGISTRY_BINARY = "/usr/bin/docker-registry";
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
// What recentLog() keeps of the registry's stderr.
const LOG_TAIL_CHARS = 64 * 1024;

/**
 * `auth.token` of the registry config: the registry verifies every Bearer token itself (issuer, audience =
 * service, expiry, signature chained to a certificate in the root bundle). A running token server
 * (`startTokenServer`) has these fields, so it can be passed as is.
 */
export interface TokenAuthSettings {
  /** Where clients get tokens (the challenge's `realm`), e.g. `http://127.0.0.1:PORT/token`. */
  realm: string;
  /** The challenge's `service`, and the audience every token must carry. */
  service: string;
  /** The `iss` every token must carry. */
  issuer: string;
  /** PEM file of the certificates a token's signing chain (`x5c`) or key id (`kid`) must lead to. */
  rootCertBundlePath: string;
}

export interface RegistryOptions {
  /** Serve HTTPS with a self-signed certificate for 127.0.0.1 and localhost. */
  tls?: boolean;
  /** `http.relativeurls`: relative `Location` headers, as ACR sends them. */
  relativeUrls?: boolean;
  /** Require HTTP Basic credentials (realm `basic-realm`). */
  htpasswd?: { user: string; password: string };
  /** Require Bearer tokens from a token server (exclusive with `htpasswd`). */
  tokenAuth?: TokenAuthSettings;
  /** Default true. */
  deleteEnabled?: boolean;
}

export interface RunningRegistry {
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  endpoint: string;
  /** `127.0.0.1:PORT`. */
  host: string;
  port: number;
  /** The registry process. */
  pid: number;
  /** The registry's storage root. */
  dataDir: string;
  /** PEM of the self-signed certificate to trust (with `tls`). */
  caCert?: string;
  caCertPath?: string;
  /** The last 64 KiB of the registry's log (level info: one line per request, auth failures with their reason). */
  recentLog(): string;
  /**
   * Resolves with the first line of recentLog() matching `pattern`, waiting up to `timeoutMs` (default 2000) for it:
   * the log comes through a pipe, so a line may arrive after the response it belongs to.
   */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Stops the registry and removes its files; safe to call twice. */
  stop(): Promise<void>;
}

/** Whether the CNCF registry binary is installed (live suites skip without it). */
export function distributionRegistryAvailable(): boolean {
  return existsSync(REGISTRY_BINARY);
}

/** One self-signed certificate for 127.0.0.1 and localhost per process, for the registries' (and token servers') TLS. */
export function tlsCertificate(): Certificate {
  return selfSignedCertificate("tls", "localhost", ["subjectAltName=IP:127.0.0.1,DNS:localhost"]);
}

/** Resolves with the port from the `listening on 127.0.0.1:NNNNN` log line (logged at level info). */
function listeningPort(child: ChildProcess, keepTail: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = "";
    const fail = (reason: string): void => {
      cleanup();
      reject(new Error(`docker-registry ${reason}:\n${log}`));
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString("utf8");
      keepTail(chunk);
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (match) {
        cleanup();
        resolve(Number(match[1]));
      }
    };
    const onExit = (code: number | null): void => fail(`exited (${code}) before listening`);
    const onError = (error: Error): void => fail(`could not start: ${error.message}`);
    const timer = setTimeout(() => fail(`did not listen within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stderr!.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
      // Level info logs every request: keep draining so the registry never blocks on a full pipe.
      child.stderr!.on("data", keepTail);
    };
    child.stderr!.on("data", onData);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  // No pid: it never started. Exit or signal code set: it has ended.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** Inherited REGISTRY_* variables would override the config file. */
function registryEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("REGISTRY_")));
}

/** Starts a registry on an ephemeral loopback port with its own storage; resolves once it listens. */
export async function startDistributionRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  if (options.htpasswd && options.tokenAuth) throw new Error("startDistributionRegistry: htpasswd or tokenAuth, not both");
  const dir = makeTempDir("acr-test-registry-");
  const dataDir = path.join(dir, "data");
  const cert = options.tls ? tlsCertificate() : undefined;
  let auth: object | undefined;
  if (options.htpasswd) {
    const htpasswdPath = path.join(dir, "htpasswd");
    // Distribution accepts bcrypt entries only; the password goes through stdin, not argv.
    writeFileSync(htpasswdPath, runCommand("htpasswd", ["-Bin", options.htpasswd.user], options.htpasswd.password));
    auth = { htpasswd: { realm: "basic-realm", path: htpasswdPath } };
  }
  if (options.tokenAuth) {
    const { realm, service, issuer, rootCertBundlePath } = options.tokenAuth;
    auth = { token: { realm, service, issuer, rootcertbundle: rootCertBundlePath } };
  }
  // JSON is YAML: no hand-written YAML quoting.
  const config = {
    version: "0.1",
    log: { level: "info", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: dataDir },
      delete: { enabled: options.deleteEnabled ?? true },
      cache: { blobdescriptor: "inmemory" },
    },
    http: {
      addr: "127.0.0.1:0",
      secret: randomBytes(16).toString("hex"),
      relativeurls: options.relativeUrls ?? false,
      ...(cert && { tls: { certificate: cert.certPath, key: cert.keyPath } }),
    },
    health: { storagedriver: { enabled: false } },
    ...(auth && { auth }),
  };
  const configPath = path.join(dir, "config.yml");
  writeFileSync(configPath, JSON.stringify(config, null, 2));

  // setpriv (util-linux) has the kernel kill the registry when this process dies, even by SIGKILL.
  const child = spawn("setpriv", ["--pdeathsig", "KILL", REGISTRY_BINARY, "serve", configPath], {
    env: registryEnvironment(),
    stdio: ["ignore", "ignore", "pipe"],
  });
  const forget = atProcessEnd(() => child.kill("SIGKILL"));
  child.once("exit", forget);
  const stop = async (): Promise<void> => {
    await stopProcess(child);
    removeTempDir(dir);
  };

  let logTail = "";
  const keepTail = (chunk: Buffer): void => {
    logTail = (logTail + chunk.toString("utf8")).slice(-LOG_TAIL_CHARS);
  };
  let port: number;
  try {
    port = await listeningPort(child, keepTail);
  } catch (error) {
    await stop();
    throw error;
  }
  const host = `127.0.0.1:${port}`;
  return {
    endpoint: `${cert ? "https" : "http"}://${host}`,
    host,
    port,
    pid: child.pid!,
    dataDir,
    caCert: cert?.pem,
    caCertPath: cert?.certPath,
    recentLog: () => logTail,
    async waitForLog(pattern, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = logTail.split("\n").find((candidate) => pattern.test(candidate));
        if (line !== undefined) return line;
        if (Date.now() > deadline) throw new Error(`no registry log line matches ${pattern}; the log ends:\n${logTail.slice(-2_000)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    stop,
  };
}
