// Runs a system tool (openssl, htpasswd) to completion and returns its standard output.
import { spawnSync } from "node:child_process";

/** Runs `command` synchronously, `input` on stdin (keeps secrets out of argv); throws with stderr when it fails. */
export function runCommand(command: string, args: string[], input?: string): string {
  const result = spawnSync(command, args, { input, encoding: "utf8" });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} exited with ${result.status}: ${result.stderr}`);
  return result.stdout;
}
