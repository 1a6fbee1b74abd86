// The samples' sources: every one is tested, the TypeScript typechecks against the built package's
// types, and the JavaScript is what scripts/generate-js-samples.mjs makes of it.
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repositoryRoot, runProcess, SAMPLE_NAMES } from "./helpers.js";

describe("sample sources", () => {
  it("are all executed by the samples tests", () => {
    const files = readdirSync(path.join(repositoryRoot, "samples/v1/typescript/src")).map((file) => file.replace(/\.ts$/, ""));
    expect(files.sort()).toEqual([...SAMPLE_NAMES].sort());
  });

  it("typecheck against the package's declarations (dist/esm/index.d.ts)", async () => {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const run = await runProcess(process.execPath, [tsc, "-p", "samples/v1/typescript/tsconfig.json", "--noEmit"]);
    expect(run.stdout).toBe("");
    expect(run.exitCode).toBe(0);
  });

  it("have JavaScript versions generated from the TypeScript (npm run samples:generate)", async () => {
    const run = await runProcess(process.execPath, ["scripts/generate-js-samples.mjs", "--check"]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
  });
});
