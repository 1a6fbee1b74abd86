// Builds the ESM and CommonJS flavours of the package side by side. Each output folder gets a
// package.json naming its module type so Node resolves `.js` files in it correctly.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
rmSync("dist", { recursive: true, force: true });
for (const [config, folder, type] of [
  ["tsconfig.build.json", "dist/esm", "module"],
  ["tsconfig.build.cjs.json", "dist/commonjs", "commonjs"],
]) {
  execFileSync(process.execPath, [tsc, "-p", config], { stdio: "inherit" });
  mkdirSync(folder, { recursive: true });
  writeFileSync(`${folder}/package.json`, JSON.stringify({ type }, null, 2) + "\n");
}
