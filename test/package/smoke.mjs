// Run from a fresh folder where the packed tarball is installed: the ESM entry points work end to end
// (emulator, token exchange, push, pull, listing), every `sourceMappingURL` names a shipped map that
// carries its sources, and nothing loads Node's bundled undici with the core-* versions npm resolved.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ContainerRegistryClient, ContainerRegistryContentClient, KnownArtifactOperatingSystem } from "@azure/container-registry";
import { startAcrEmulator } from "@azure/container-registry/emulator";

const fail = (message) => {
  console.error(`FAIL (ESM): ${message}`);
  process.exit(1);
};

const emulator = await startAcrEmulator();
try {
  const content = new ContainerRegistryContentClient(emulator.endpoint, "smoke/esm", emulator.credential);
  const { digest } = await content.uploadBlob(Buffer.from("hello from the tarball"));
  let text = "";
  for await (const chunk of (await content.downloadBlob(digest)).content) text += chunk;
  if (text !== "hello from the tarball") fail(`downloaded ${JSON.stringify(text)}`);
  const names = [];
  for await (const name of new ContainerRegistryClient(emulator.endpoint, emulator.credential).listRepositoryNames()) names.push(name);
  if (names.join() !== "smoke/esm") fail(`listed ${names.join()}`);
} finally {
  await emulator.close();
}
if (KnownArtifactOperatingSystem.iOS !== "ios") fail("KnownArtifactOperatingSystem.iOS");

const undici = process.moduleLoadList.filter((name) => name.includes("undici"));
if (undici.length > 0) fail(`loaded ${undici.join(", ")}`);

const packageRoot = path.dirname(createRequire(import.meta.url).resolve("@azure/container-registry/package.json"));
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
let maps = 0;
for (const file of walk(path.join(packageRoot, "dist")).filter((name) => /\.(js|d\.ts)$/.test(name))) {
  const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(file, "utf8"))?.[1];
  if (url === undefined) continue;
  const map = path.join(path.dirname(file), url);
  if (!existsSync(map)) fail(`${path.relative(packageRoot, file)} points at ${url}, which is not shipped`);
  const { sources, sourcesContent } = JSON.parse(readFileSync(map, "utf8"));
  if (!sourcesContent || sourcesContent.length !== sources.length) fail(`${path.relative(packageRoot, map)} does not carry its sources`);
  maps++;
}
const versions = ["core-rest-pipeline", "core-client", "core-auth", "core-util", "logger"]
  .map((name) => `${name}@${JSON.parse(readFileSync(createRequire(path.join(packageRoot, "x.js")).resolve(`@azure/${name}/package.json`), "utf8")).version}`)
  .join(" ");
console.log(`ESM: emulator round trip, no undici, ${maps} source maps with their sources; resolved ${versions}`);
