import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator } from "../../src/emulator/index.js";
import { ALL_SCOPES, client, digestOf, OCI_MANIFEST, pushImage, tokenFor } from "./helpers.js";

describe("emulator: storage", () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "acr-emulator-"));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it("keeps blobs, manifests, tags and attributes in a folder across a restart", async () => {
    const storageDirectory = join(directory, "restart");
    const first = await startAcrEmulator({ storageDirectory });
    const image = await pushImage(client(first, await tokenFor(first, ...ALL_SCOPES("kept/repo"))), "kept/repo", "v1");
    const call = client(first, await tokenFor(first, ...ALL_SCOPES("kept/repo")));
    await call("/acr/v1/kept%2Frepo/_tags/v1", { method: "PATCH", headers: { "Content-Type": "application/json" }, body: '{"writeEnabled":false}' });
    await first.close();

    const second = await startAcrEmulator({ storageDirectory });
    try {
      const again = client(second, await tokenFor(second, ...ALL_SCOPES("kept/repo")));
      const manifest = await again("/v2/kept/repo/manifests/v1", { headers: { Accept: OCI_MANIFEST } });
      expect(await manifest.text()).toBe(image.content);
      const layer = (JSON.parse(image.content) as { layers: Array<{ digest: string }> }).layers[0]!.digest;
      const blob = await again(`/v2/kept/repo/blobs/${layer}`);
      expect(digestOf(Buffer.from(await blob.arrayBuffer()))).toBe(layer);
      const tag = (await (await again("/acr/v1/kept%2Frepo/_tags/v1")).json()) as { tag: { changeableAttributes: { writeEnabled: boolean } } };
      expect(tag.tag.changeableAttributes.writeEnabled).toBe(false);
    } finally {
      await second.close();
    }
  });

  it("seeds manifests imported as metadata only, and snapshots what it holds", async () => {
    const emulator = await startAcrEmulator({ authentication: false });
    try {
      const opaque = digestOf("unknown bytes");
      await emulator.seed({
        repositories: [
          {
            name: "imported",
            blobs: [{ content: "a blob" }],
            manifests: [{ digest: opaque, mediaType: OCI_MANIFEST, imageSize: 42, architecture: "arm64", os: "linux" }],
            tags: [{ name: "latest", digest: opaque, changeableAttributes: { deleteEnabled: false } }],
          },
        ],
      });
      const call = client(emulator);
      const properties = (await (await call(`/acr/v1/imported/_manifests/${opaque}`)).json()) as { manifest: Record<string, unknown> };
      expect(properties.manifest).toMatchObject({ digest: opaque, imageSize: 42, architecture: "arm64", tags: ["latest"] });
      expect((await call("/v2/imported/manifests/latest")).status).toBe(404);
      expect((await call(`/v2/imported/blobs/${digestOf("a blob")}`)).status).toBe(200);

      const snapshot = await emulator.snapshot({ includeBlobContent: true });
      const repository = snapshot.repositories[0]!;
      expect(repository.tags).toMatchObject([{ name: "latest", digest: opaque, changeableAttributes: { deleteEnabled: false } }]);
      expect(Buffer.from(repository.blobs![0]!.content as Uint8Array).toString()).toBe("a blob");

      const copy = await startAcrEmulator({ authentication: false });
      await copy.seed(snapshot);
      expect((await (await client(copy)("/acr/v1/imported/_tags/latest")).json()) as object).toMatchObject({ tag: { name: "latest" } });
      await copy.close();
    } finally {
      await emulator.close();
    }
  });

  it("streams a 200 MiB upload to disk without holding it in memory", async () => {
    const emulator = await startAcrEmulator({ storageDirectory: join(directory, "large"), authentication: false });
    try {
      const size = 200 * 1024 * 1024;
      const chunk = Buffer.alloc(1024 * 1024, 7);
      const expected = createHash("sha256");
      for (let sent = 0; sent < size; sent += chunk.length) expected.update(chunk);
      const digest = `sha256:${expected.digest("hex")}`;

      global.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const body = Readable.from(
        (function* () {
          for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
        })(),
      );
      const start = await fetch(`${emulator.endpoint}/v2/large/blobs/uploads/`, { method: "POST" });
      const patch = await fetch(`${emulator.endpoint}${start.headers.get("location")}`, {
        method: "PATCH",
        body: Readable.toWeb(body) as ReadableStream,
        duplex: "half",
      } as RequestInit);
      clearInterval(sampler);
      expect(patch.status).toBe(202);
      expect(patch.headers.get("range")).toBe(`0-${size - 1}`);
      const put = await fetch(`${emulator.endpoint}${patch.headers.get("location")}&digest=${digest}`, { method: "PUT" });
      expect(put.status).toBe(201);
      const growth = peak - before;
      expect(growth, `RSS grew by ${Math.round(growth / 1048576)} MiB`).toBeLessThan(100 * 1024 * 1024);
      const head = await fetch(`${emulator.endpoint}/v2/large/blobs/${digest}`, { method: "HEAD" });
      expect(head.headers.get("content-length")).toBe(String(size));
    } finally {
      await emulator.close();
    }
  });
});
