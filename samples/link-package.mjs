// Inside this repository only: lets the samples import "@azure/container-registry" from this
// repository's build, as they would from an installed package. (Node's package self-reference
// cannot do it: the samples' own package.json files start a package scope of their own.)
// Each sample folder gets node_modules/@azure/container-registry with a copy of the package's
// package.json and a link to its dist/, so a new build is picked up without linking again. (A link
// to the whole repository would make a cycle that tools walking the tree could follow.)
//
//   npm run build && npm run samples:link
import { mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const packageJson = readFileSync(path.join(root, "package.json"), "utf8");
const dist = path.join(root, "dist");

for (const folder of ["samples/v1/typescript", "samples/v1/javascript"]) {
  const target = path.join(root, folder, "node_modules/@azure/container-registry");
  mkdirSync(target, { recursive: true });
  writeFileSync(path.join(target, "package.json"), packageJson);
  const link = path.join(target, "dist");
  let current;
  try {
    current = path.resolve(readlinkSync(link));
  } catch {
    current = undefined; // no link yet
  }
  if (current === dist) continue;
  // rmSync removes a link, not what it points to. A junction on Windows needs no privileges;
  // elsewhere the type is ignored.
  rmSync(link, { recursive: true, force: true });
  symlinkSync(dist, link, "junction");
}
