// Leaves nothing behind when a test process ends: on exit, and on SIGTERM (how vitest ends its fork
// workers, which skips "exit" handlers).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const tasks = new Set<() => void>();

function runAll(): void {
  for (const task of tasks) task();
  tasks.clear();
}

process.once("exit", runAll);
process.once("SIGTERM", () => {
  runAll();
  process.exit(128 + 15);
});

/** Runs `task` (synchronous) when the process ends; the returned function cancels that. */
export function atProcessEnd(task: () => void): () => void {
  tasks.add(task);
  return () => tasks.delete(task);
}

const tempDirs = new Map<string, () => void>();

/** A fresh folder in the OS temp folder, removed when the process ends unless removed before. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.set(dir, atProcessEnd(() => rmSync(dir, { recursive: true, force: true })));
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.get(dir)?.();
  tempDirs.delete(dir);
}
