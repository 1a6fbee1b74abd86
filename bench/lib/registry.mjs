// Starts the CNCF distribution registry (Debian `docker-registry`) on an ephemeral loopback port,
// with a config of our own (never /etc/docker/registry) and storage in a temp folder.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { makeTempDir, removeTempDir, trackChild } from "./cleanup.mjs";

const REGISTRY_BINARY = "/usr/bin/docker-registry";
const START_TIMEOUT_MS = 15_000;

/** A self-signed certificate for 127.0.0.1 and localhost; returns the paths of cert and key. */
export function makeCertificate(dir) {
  const cert = path.join(dir, "server.crt");
  const key = path.join(dir, "server.key");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
  ], { stdio: "ignore" });
  return { cert, key };
}

/**
 * At log level warn the registry never prints its `listening on` line (that one is info, and
 * info also logs every request, which costs the registry CPU during a benchmark). The port is
 * read instead from the kernel: the inode of the process's listening socket in /proc/net/tcp.
 */
function listeningPort(pid) {
  let inodes;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1])
        .filter(Boolean),
    );
  } catch {
    return undefined; // not started yet, or already gone
  }
  for (const line of readFileSync(`/proc/${pid}/net/tcp`, "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    // fields: sl local_address rem_address st ... inode (index 9); st 0A = LISTEN
    if (fields[3] === "0A" && inodes.has(fields[9])) return parseInt(fields[1].split(":")[1], 16);
  }
  return undefined;
}

/**
 * Several registries may share one `dataDir`, as replicas behind a load balancer do: the
 * filesystem driver keeps no state of its own in memory but a cache of blob descriptors.
 * @param {{dataDir: string, tls?: {cert: string, key: string}, relativeUrls?: boolean}} options
 * @returns {Promise<{endpoint: string, dataDir: string, stop(): Promise<void>}>}
 */
export async function startRegistry({ dataDir, tls, relativeUrls = false }) {
  const dir = makeTempDir("registry");
  // JSON is YAML: no hand-written YAML quoting.
  const config = {
    version: "0.1",
    log: { level: "warn", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: dataDir },
      delete: { enabled: true },
      cache: { blobdescriptor: "inmemory" },
    },
    http: {
      addr: "127.0.0.1:0",
      secret: randomBytes(16).toString("hex"),
      relativeurls: relativeUrls,
      ...(tls && { tls: { certificate: tls.cert, key: tls.key } }),
    },
    health: { storagedriver: { enabled: false } },
  };
  const configPath = path.join(dir, "config.yml");
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  // Inherited REGISTRY_* variables would override the config file.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("REGISTRY_")));
  // setpriv has the kernel kill the registry if this process dies, even by SIGKILL; it execs,
  // so the pid is the registry's own.
  const child = spawn("setpriv", ["--pdeathsig", "KILL", REGISTRY_BINARY, "serve", configPath], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  trackChild(child);
  let log = "";
  child.stderr.on("data", (chunk) => (log += chunk));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    removeTempDir(dir);
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  let port;
  // setpriv execs the registry: until then /proc shows setpriv, which listens on nothing.
  while (!(port = listeningPort(child.pid))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not start listening:\n${log}`);
    }
    await sleep(10);
  }
  return { endpoint: `${tls ? "https" : "http"}://127.0.0.1:${port}`, dataDir, stop };
}

/**
 * Frees the disk space of a blob the benchmark will not read again. Distribution only drops the
 * repository link on DELETE and keeps the bytes until a garbage collection; runs upload tens of GB.
 */
export function dropBlobData(dataDir, digest) {
  const hex = digest.slice("sha256:".length);
  rmSync(path.join(dataDir, "docker/registry/v2/blobs/sha256", hex.slice(0, 2), hex), {
    recursive: true,
    force: true,
  });
}

/**
 * Points tags t1..t(count-1) at the manifest of tag `source` by writing their storage folders
 * directly: the `current/link` and `index/<algorithm>/<hex>/link` files distribution keeps per tag.
 */
export function cloneTag(dataDir, repository, source, count) {
  const tags = path.join(dataDir, "docker/registry/v2/repositories", repository, "_manifests/tags");
  const digest = readFileSync(path.join(tags, source, "current/link"), "utf8");
  const [algorithm, hex] = digest.split(":");
  for (let i = 1; i < count; i++) {
    const tag = path.join(tags, `t${i}`);
    mkdirSync(path.join(tag, "current"), { recursive: true });
    writeFileSync(path.join(tag, "current/link"), digest);
    mkdirSync(path.join(tag, "index", algorithm, hex), { recursive: true });
    writeFileSync(path.join(tag, "index", algorithm, hex, "link"), digest);
  }
}
