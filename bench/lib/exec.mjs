// Runs one client process under GNU time, which reports the peak RSS of the process (for a shell
// pipeline: of its largest process) and its CPU time (a pipeline's: all of its processes) without
// instrumenting it. Not the child's own process.resourceUsage().maxRSS: Linux keeps a process's
// peak RSS across fork and exec, so a child forked by this runner (over 100 MiB with its random
// body) would report the runner's peak instead of its own; GNU time is a 2 MiB parent.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";

let timeFileCounter = 0;

/**
 * @returns {Promise<{stdout: string, stderr: string, maxRssKiB: number, cpuSeconds: number, wallSeconds: number}>}
 * @throws when the process exits non-zero (its stderr in the message).
 */
export function runMeasured(command, args, { env = process.env, scratchDir }) {
  const timeFile = path.join(scratchDir, `time-${timeFileCounter++}`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("/usr/bin/time", ["-f", "%M %U %S", "-o", timeFile, command, ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallSeconds = (performance.now() - started) / 1000;
      let figures = [];
      try {
        // GNU time writes "Command exited with non-zero status N" before the figures on failure.
        figures = readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
        rmSync(timeFile);
      } catch {}
      const [maxRssKiB = NaN, user = NaN, system = NaN] = figures;
      if (code !== 0) {
        reject(new Error(`${path.basename(command)} exited with ${code}: ${stderr.slice(-2000)}`));
      } else {
        resolve({ stdout, stderr, maxRssKiB, cpuSeconds: user + system, wallSeconds });
      }
    });
  });
}
