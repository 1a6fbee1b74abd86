import { ContainerRegistryContentClient } from "@azure/container-registry";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
const { src, dst } = JSON.parse(readFileSync("/tmp/artprof/endpoints.json", "utf8"));
const source = new ContainerRegistryContentClient(src, "img");
const { manifest } = await source.getManifest("v1");
const blobs = [manifest.config, ...manifest.layers];
const mode = process.argv[2];
const cpu = process.cpuUsage(); const t = performance.now();
let limit = 4; const queue = [...blobs];
async function worker() {
  for (let b; (b = queue.shift()); ) {
    if (mode === "download") { const { content } = await source.downloadBlob(b.digest); for await (const _ of content); }
    if (mode === "copy") {
      const dest = new ContainerRegistryContentClient(dst, "parts" + Date.now() % 100000);
      const { content } = await source.downloadBlob(b.digest);
      await dest.uploadBlob(content, { digest: b.digest, sizeInBytes: b.size });
    }
  }
}
await Promise.all(Array.from({ length: limit }, worker));
const { user, system } = process.cpuUsage(cpu);
console.log(mode, `${((performance.now() - t)).toFixed(0)} ms wall, ${((user + system) / 1000).toFixed(0)} ms cpu (user ${(user/1000).toFixed(0)})`);
