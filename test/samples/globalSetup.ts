// The samples import "@azure/container-registry" as users do, so they run against the built
// package: build it when dist/ is missing, and link it into the samples' folders.
//
// A dist/ older than src/ is only reported, not rebuilt: every test run (of any file) would then
// rebuild it while the sources change, and the build empties dist/ first, under any other run
// using it. `npm run build` refreshes it.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { repositoryRoot } from "./helpers.js";

function newestChange(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  // scripts/build.mjs writes this file last.
  const builtMarker = path.join(repositoryRoot, "dist/commonjs/package.json");
  if (!existsSync(builtMarker)) {
    try {
      execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: repositoryRoot, stdio: "inherit" });
    } catch {
      // Only the samples need dist/: sources that do not compile must not stop every other test.
      console.error("test/samples: the build failed, so the samples tests will fail");
    }
  } else if (statSync(builtMarker).mtimeMs < newestChange(path.join(repositoryRoot, "src"))) {
    console.warn("test/samples: dist/ is older than src/, so the samples run against the previous build (npm run build updates it)");
  }
  execFileSync(process.execPath, ["samples/link-package.mjs"], { cwd: repositoryRoot, stdio: "inherit" });
}
