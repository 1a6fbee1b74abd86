// The samples import "@azure/container-registry" as users do, so they run against the built
// package: build it when dist/ is missing, and link it into the samples' folders.
//
// A dist/ older than src/ fails the run instead of being rebuilt: the samples would test the
// previous code, and a rebuild here would empty dist/ under any other run using it. `npm run build`
// refreshes it. Only the samples project runs this (vitest.config.ts).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { repositoryRoot } from "./helpers.js";

/** The newest file below `directory`, with its modification time. */
function newestFile(directory: string): { file: string; mtimeMs: number } {
  let newest = { file: directory, mtimeMs: 0 };
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(file);
    if (mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  }
  return newest;
}

/** Throws when dist/ was built before the last change under src/. */
export function assertBuildIsCurrent(root: string): void {
  // scripts/build.mjs writes this file last.
  const builtMarker = path.join(root, "dist/commonjs/package.json");
  const built = statSync(builtMarker).mtimeMs;
  const newest = newestFile(path.join(root, "src"));
  if (built < newest.mtimeMs) {
    throw new Error(
      `test/samples: dist/ is older than src/ (${path.relative(root, newest.file)} changed after the last build), ` +
        "so the samples would run against the previous code. Run `npm run build`, then the tests again.",
    );
  }
}

export default function setup(): void {
  if (!existsSync(path.join(repositoryRoot, "dist/commonjs/package.json"))) {
    // A build that fails throws here, and so fails the run: the samples cannot run without it.
    execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: repositoryRoot, stdio: "inherit" });
  }
  assertBuildIsCurrent(repositoryRoot);
  execFileSync(process.execPath, ["samples/link-package.mjs"], { cwd: repositoryRoot, stdio: "inherit" });
}
