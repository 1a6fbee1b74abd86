// What the figures were measured on: versions of every contender, the CPU, and how busy the
// machine was (load averages), since absolute figures are only comparable on the same machine.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { createRequire } from "node:module";

function firstLine(command, args) {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0].trim();
  } catch {
    return "unavailable";
  }
}

function packageVersion(name) {
  return createRequire(import.meta.url)(`${name}/package.json`).version;
}

export function machineInfo() {
  return {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    kernel: readFileSync("/proc/sys/kernel/osrelease", "utf8").trim(),
    node: process.version,
    library: packageVersion("@azure/container-registry"),
    official: packageVersion("official"),
    registry: firstLine("/usr/bin/docker-registry", ["--version"]),
    curl: firstLine("curl", ["--version"]),
    openssl: firstLine("openssl", ["version"]),
    skopeo: firstLine("skopeo", ["--version"]),
    loadAverageAtStart: loadavg(),
  };
}
