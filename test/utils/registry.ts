// Runs the CNCF distribution registry (Debian `docker-registry`) on an ephemeral loopback port.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { atProcessEnd, makeTempDir, removeTempDir } from "./processCleanup.js";

const REGISTRY_BINARY = "/usr/bin/docker-registry";
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface RegistryOptions {
  /** Serve HTTPS with a self-signed certificate for 127.0.0.1 and localhost. */
  tls?: boolean;
  /** `http.relativeurls`: relative `Location` headers, as ACR sends them. */
  relativeUrls?: boolean;
  /** Require HTTP Basic credentials (realm `basic-realm`). */
  htpasswd?: { user: string; password: string };
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
  /** Stops the registry and removes its files; safe to call twice. */
  stop(): Promise<void>;
}

export function distributionRegistryAvailable(): boolean {
  return existsSync(REGISTRY_BINARY);
}

function run(command: string, args: string[], input?: string): string {
  const result = spawnSync(command, args, { input, encoding: "utf8" });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} exited with ${result.status}: ${result.stderr}`);
  return result.stdout;
}

export interface Certificate {
  certPath: string;
  keyPath: string;
  pem: string;
}

let certificate: Certificate | undefined;

/** One self-signed certificate for 127.0.0.1 and localhost per process: openssl takes longer than the registry to start. */
export function tlsCertificate(): Certificate {
  if (!certificate) {
    const dir = makeTempDir("acr-test-tls-");
    const certPath = path.join(dir, "server.crt");
    const keyPath = path.join(dir, "server.key");
    run("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", keyPath, "-out", certPath, "-days", "7", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ]);
    certificate = { certPath, keyPath, pem: readFileSync(certPath, "utf8") };
  }
  return certificate;
}

/** Resolves with the port from the `listening on 127.0.0.1:NNNNN` log line (logged at level info). */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = "";
    const fail = (reason: string): void => {
      cleanup();
      reject(new Error(`docker-registry ${reason}:\n${log}`));
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString("utf8");
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
      child.stderr!.resume();
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

export async function startDistributionRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const dir = makeTempDir("acr-test-registry-");
  const dataDir = path.join(dir, "data");
  const cert = options.tls ? tlsCertificate() : undefined;
  let auth: object | undefined;
  if (options.htpasswd) {
    const htpasswdPath = path.join(dir, "htpasswd");
    // Distribution accepts bcrypt entries only; the password goes through stdin, not argv.
    writeFileSync(htpasswdPath, run("htpasswd", ["-Bin", options.htpasswd.user], options.htpasswd.password));
    auth = { htpasswd: { realm: "basic-realm", path: htpasswdPath } };
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

  let port: number;
  try {
    port = await listeningPort(child);
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
    stop,
  };
}
