// The samples' global setup refuses a dist/ built before the sources last changed.
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { assertBuildIsCurrent } from "../samples/globalSetup.js";
import { makeTempDir } from "../utils/processCleanup.js";

/** A repository root with one source file and a build marker, modified at the given times (seconds). */
function tree(sourceTime: number, buildTime: number): string {
  const root = makeTempDir("acr-test-build-");
  mkdirSync(path.join(root, "src/auth"), { recursive: true });
  mkdirSync(path.join(root, "dist/commonjs"), { recursive: true });
  const source = path.join(root, "src/auth/tokenService.ts");
  const marker = path.join(root, "dist/commonjs/package.json");
  writeFileSync(source, "export {};\n");
  writeFileSync(marker, "{}\n");
  utimesSync(source, sourceTime, sourceTime);
  utimesSync(marker, buildTime, buildTime);
  return root;
}

describe("samples global setup: assertBuildIsCurrent", () => {
  it("throws, naming the changed source and `npm run build`, when dist/ is older than src/", () => {
    expect(() => assertBuildIsCurrent(tree(2_000_000, 1_000_000))).toThrow(/src\/auth\/tokenService\.ts changed after the last build.*npm run build/);
  });

  it("accepts a dist/ built after the last change", () => {
    expect(() => assertBuildIsCurrent(tree(1_000_000, 2_000_000))).not.toThrow();
  });
});
