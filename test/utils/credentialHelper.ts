// An executable `docker-credential-<name>` (Node script) speaking the Docker credential-helper protocol:
// `get` (server URL on stdin → `{ServerURL, Username, Secret}` on stdout), `store`, `erase`, `list`.
// Its answers come from a state file the test changes at will; every call is recorded, secrets left out.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { makeTempDir, removeTempDir } from "./processCleanup.js";

/** What the real helpers print (on stdout) for an unknown server; clients match this exact text. */
export const CREDENTIALS_NOT_FOUND = "credentials not found in native keychain";

export interface HelperCredentials {
  /** `<token>` makes `secret` an identity token (refresh token), by Docker's convention. */
  username: string;
  secret: string;
}

export interface CredentialHelperCall {
  verb: string;
  /** The server URL the client asked about (get, erase) or stored (store), exactly as sent. */
  serverUrl?: string;
  /** The user name a `store` carried (never the secret). */
  username?: string;
  exitCode: number;
}

export interface CredentialHelperOptions {
  /** The helper's name: the script is `docker-credential-<name>`; default `test`. */
  name?: string;
  /** Server URL, exactly as the client sends it (e.g. `127.0.0.1:5000`) → credentials. */
  credentials?: Record<string, HelperCredentials>;
}

export interface CredentialHelper {
  name: string;
  /** The folder holding only the script: put it first on PATH. */
  binDir: string;
  scriptPath: string;
  /** `{ PATH: binDir + ":" + process.env.PATH }`, to merge into a child's environment. */
  env: { PATH: string };
  /** Sets (or, with undefined, deletes) the credentials answered for `serverUrl`. */
  setCredentials(serverUrl: string, credentials: HelperCredentials | undefined): void;
  /** From now on every call exits with `exitCode`, printing `message` on stderr. */
  failWith(exitCode: number, message?: string): void;
  /** Undoes failWith. */
  recover(): void;
  /** The calls made so far, oldest first. */
  calls(): CredentialHelperCall[];
  /** Removes the script and its state (also done when the process ends). */
  remove(): void;
}

interface HelperState {
  credentials: Record<string, HelperCredentials>;
  failure?: { exitCode: number; message: string };
}

/** The helper program; CommonJS, as Node reads a file without extension outside a `type: module` package. */
function helperScript(statePath: string, callsPath: string): string {
  // A shebang cannot hold spaces: fall back to PATH's node then.
  const shebang = /\s/.test(process.execPath) ? "#!/usr/bin/env node" : `#!${process.execPath}`;
  return `${shebang}
"use strict";
const fs = require("node:fs");
const statePath = ${JSON.stringify(statePath)};
const callsPath = ${JSON.stringify(callsPath)};
const verb = process.argv[2] || "";
const input = fs.readFileSync(0, "utf8");
const state = JSON.parse(fs.readFileSync(statePath, "utf8"));
const call = { verb };
function finish(exitCode, stdout, stderr) {
  call.exitCode = exitCode;
  fs.appendFileSync(callsPath, JSON.stringify(call) + "\\n");
  if (stdout) process.stdout.write(stdout);
  if (stderr) process.stderr.write(stderr);
  process.exit(exitCode);
}
const serverUrl = input.trim();
if (verb === "get" || verb === "erase") call.serverUrl = serverUrl;
if (state.failure) finish(state.failure.exitCode, "", state.failure.message);
if (verb === "get" || verb === "erase") {
  if (!serverUrl) finish(1, "no credentials server URL");
  const found = state.credentials[serverUrl];
  if (!found) finish(1, ${JSON.stringify(CREDENTIALS_NOT_FOUND)});
  if (verb === "get") finish(0, JSON.stringify({ ServerURL: serverUrl, Username: found.username, Secret: found.secret }));
  delete state.credentials[serverUrl];
  fs.writeFileSync(statePath, JSON.stringify(state));
  finish(0);
} else if (verb === "store") {
  const stored = JSON.parse(input);
  call.serverUrl = stored.ServerURL;
  call.username = stored.Username;
  state.credentials[stored.ServerURL] = { username: stored.Username, secret: stored.Secret };
  fs.writeFileSync(statePath, JSON.stringify(state));
  finish(0);
} else if (verb === "list") {
  const list = {};
  for (const [url, found] of Object.entries(state.credentials)) list[url] = found.username;
  finish(0, JSON.stringify(list));
} else {
  finish(1, "", "Usage: docker-credential-<name> <store|get|erase|list|version>");
}
`;
}

/** Writes an executable `docker-credential-<name>` into a fresh temporary bin folder. */
export function writeCredentialHelper(options: CredentialHelperOptions = {}): CredentialHelper {
  const name = options.name ?? "test";
  const dir = makeTempDir("acr-test-credential-helper-");
  const binDir = path.join(dir, "bin");
  const scriptPath = path.join(binDir, `docker-credential-${name}`);
  const statePath = path.join(dir, "state.json");
  const callsPath = path.join(dir, "calls.jsonl");
  const readState = (): HelperState => JSON.parse(readFileSync(statePath, "utf8")) as HelperState;
  const writeState = (state: HelperState): void => writeFileSync(statePath, JSON.stringify(state), { mode: 0o600 });

  writeState({ credentials: { ...options.credentials } });
  writeFileSync(callsPath, "");
  mkdirSync(binDir);
  writeFileSync(scriptPath, helperScript(statePath, callsPath), { mode: 0o700 });
  return {
    name,
    binDir,
    scriptPath,
    env: { PATH: [binDir, process.env.PATH].filter(Boolean).join(path.delimiter) },
    setCredentials(serverUrl, credentials) {
      const state = readState();
      if (credentials) state.credentials[serverUrl] = credentials;
      else delete state.credentials[serverUrl];
      writeState(state);
    },
    failWith(exitCode, message = "injected failure") {
      writeState({ ...readState(), failure: { exitCode, message } });
    },
    recover() {
      const { credentials } = readState();
      writeState({ credentials });
    },
    calls: () =>
      readFileSync(callsPath, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as CredentialHelperCall),
    remove: () => removeTempDir(dir),
  };
}

