// The library must not pull in what it does not use: Node 20 loads its bundled undici (http2,
// worker_threads, web streams: ~11 MiB) the first time anything touches the FormData global, which
// core's form policy does on every request. Checked in a fresh process, since vitest itself uses fetch.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

it("authenticates, uploads, downloads and lists without loading undici", async () => {
  const src = (file: string) => JSON.stringify(pathToFileURL(path.resolve("src", file)).href);
  const script = `
    import { startAcrEmulator } from ${src("emulator/index.ts")};
    import { ContainerRegistryClient, ContainerRegistryContentClient } from ${src("index.ts")};
    const emulator = await startAcrEmulator();
    const content = new ContainerRegistryContentClient(emulator.endpoint, "a/b", emulator.credential);
    const { digest } = await content.uploadBlob(Buffer.from("hello"));
    for await (const _ of (await content.downloadBlob(digest)).content);
    const client = new ContainerRegistryClient(emulator.endpoint, emulator.credential);
    const names = [];
    for await (const name of client.listRepositoryNames()) names.push(name);
    await emulator.close();
    process.stdout.write(JSON.stringify({ names, undici: process.moduleLoadList.filter((m) => m.includes("undici")) }));`;
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", tsx, "--input-type=module", "-e", script], { encoding: "utf8" });
  expect(JSON.parse(stdout)).toEqual({ names: ["a/b"], undici: [] });
});
