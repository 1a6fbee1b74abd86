#!/usr/bin/env node
// Prints where a V8 CPU profile (node --cpu-prof, or `node bench/run.mjs --cpu-prof`) spends its
// time: self time per function, the biggest first, and per package (library, core-*, node:).
//
//   node bench/profile-summary.mjs FILE.cpuprofile [top]
import { readFileSync } from "node:fs";

const [file, top = "20"] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

function where(url) {
  if (!url) return "(native / V8)";
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  return /\/dist\/esm\//.test(url) ? "this library" : url.split("/").slice(-2).join("/");
}

const functions = new Map();
const packages = new Map();
for (const [id, micros] of selfMicros) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  const key = `${functionName || "(anonymous)"}  ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + micros);
  packages.set(where(url), (packages.get(where(url)) ?? 0) + micros);
}
const show = (map, count) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, micros]) =>
    `${(micros / 1000).toFixed(0).padStart(7)} ms ${((micros / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n\nself time by package:\n${show(packages, 12).join("\n")}`);
console.log(`\nself time by function:\n${show(functions, Number(top)).join("\n")}`);
