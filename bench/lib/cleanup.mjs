// Temp folders (GBs of blobs) and registry processes must go even when a run fails or is
// interrupted: everything created here is registered and removed on exit and on signals. A run
// killed with SIGKILL cannot clean up: its folders carry its pid, and the next run removes them.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const PREFIX = "acr-bench-";
const tempDirs = new Set();
const children = new Set();

/** A fresh folder under `root` (default: BENCH_TMPDIR or the system temp dir), removed at exit. */
export function makeTempDir(name, root = process.env.BENCH_TMPDIR || tmpdir()) {
  const dir = mkdtempSync(path.join(root, `${PREFIX}${process.pid}-${name}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/** Removes the folders that runs no longer alive left in `root`. */
export function sweepStaleTempDirs(root = process.env.BENCH_TMPDIR || tmpdir()) {
  for (const entry of readdirSync(root)) {
    const pid = Number(entry.startsWith(PREFIX) && entry.slice(PREFIX.length).split("-")[0]);
    if (pid && !isAlive(pid)) rmSync(path.join(root, entry), { recursive: true, force: true });
  }
}

/** A long-lived child (a registry) that must not outlive this process. */
export function trackChild(child) {
  children.add(child);
  child.once("exit", () => children.delete(child));
}

function cleanUp() {
  for (const child of children) child.kill("SIGKILL");
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

process.once("exit", cleanUp);
for (const [signal, number] of [["SIGINT", 2], ["SIGHUP", 1], ["SIGTERM", 15]]) {
  process.once(signal, () => {
    cleanUp();
    process.exit(128 + number);
  });
}
