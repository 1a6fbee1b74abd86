// `npm run demo`, the first command of the README: the quick start against an in-process emulator.
import { describe, expect, it } from "vitest";
import { runProcess } from "./helpers.js";

describe("npm run demo", () => {
  it("runs every step of the quick start against the emulator and stops it", async () => {
    const run = await runProcess("npm", ["run", "--silent", "demo"]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const steps = [
      /^ACR emulator listening on http:\/\/127\.0\.0\.1:\d+ \(in this process, in memory\)$/,
      /^Pushed samples\/quickstart:v1$/,
      /^Repositories: samples\/quickstart$/,
      /^ {2}tag v1 -> sha256:[0-9a-f]{12}…, updated /,
      /^Properties: linux\/amd64, tags v1, canWrite=true canDelete=true$/,
      /^ {2}locked: canWrite=false canDelete=false$/,
      /^ {2}delete refused: 405 REGISTRY_DISALLOWED_OPERATION$/,
      /^ {2}unlocked: canWrite=true canDelete=true$/,
      /^Pulled samples\/quickstart:v1: manifest sha256:[0-9a-f]{12}… and 2 blobs \(\d+ B\), digests verified$/,
      /^Deleted samples\/quickstart@sha256:[0-9a-f]{12}…$/,
      /^Stopped the emulator\. It served \d+ requests: /,
    ];
    // Each step once, in this order.
    const positions = steps.map((step) => run.lines.findIndex((line) => step.test(line)));
    expect(positions.every((position, i) => position >= 0 && (i === 0 || position > positions[i - 1]!)), run.stdout).toBe(true);
  });
});
