// OCI image layouts: written by copyArtifact and read by skopeo, written by skopeo and read by
// this library, byte for byte; and folders that are not layouts, refused before anything is written.
import { readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArtifactNotFoundError, copyArtifact, InvalidOciLayoutError, KnownManifestMediaType, OciImageLayout } from "../../../src/index.js";
import { makeTempDir } from "../../utils/processCleanup.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../../utils/registry.js";
import { dockerReference, ociReference, readOciLayout, skopeoAvailable, skopeoCopy, writeOciLayout } from "../../utils/skopeo.js";
import { bytes, contentClient, pushIndex, pushImage, sha256 } from "./support.js";

const REF_NAME = "org.opencontainers.image.ref.name";

/** Every file under `blobs/`, which must all be named by their own digest (no temporary files left). */
function expectOnlyVerifiedBlobs(dir: string): number {
  const folder = path.join(dir, "blobs", "sha256");
  const files = readdirSync(folder);
  for (const file of files) expect(sha256(readFileSync(path.join(folder, file)))).toBe(`sha256:${file}`);
  return files.length;
}

describe.skipIf(!distributionRegistryAvailable() || !skopeoAvailable())("OCI image layouts and skopeo", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startDistributionRegistry();
  });
  afterAll(() => registry?.stop());

  it("writes a layout that skopeo reads and pushes back with the same manifest digest", async () => {
    const client = contentClient(registry, "layouts/written");
    const image = await pushImage(client, 1, { os: "linux", architecture: "amd64" }, { tag: "v1", layerCount: 3 });
    const dir = path.join(makeTempDir("acr-test-layout-"), "new-folder");
    const result = await copyArtifact(client, "v1", new OciImageLayout(dir));
    expect(result).toMatchObject({ digest: image.digest, tag: "v1", blobs: { copied: expect.arrayContaining(image.blobs) } });
    expect(JSON.parse(readFileSync(path.join(dir, "oci-layout"), "utf8"))).toEqual({ imageLayoutVersion: "1.0.0" });
    const index = JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8"));
    expect(index.manifests).toEqual([{ mediaType: KnownManifestMediaType.OciImageManifest, digest: image.digest, size: image.size, annotations: { [REF_NAME]: "v1" } }]);
    expect(expectOnlyVerifiedBlobs(dir)).toBe(5); // config, 3 layers, manifest
    await skopeoCopy(ociReference(dir, "v1"), dockerReference(registry.host, "layouts/by-skopeo", "v1"));
    expect((await contentClient(registry, "layouts/by-skopeo").getManifest("v1")).digest).toBe(image.digest);
  });

  it("reads a layout skopeo wrote, copies it to a registry with the same digests, and reads its manifest by tag and by digest", async () => {
    const source = makeTempDir("acr-test-skopeo-source-");
    const written = await writeOciLayout(source, { config: Buffer.from('{"architecture":"arm64","os":"linux"}'), layers: [gzipSync(bytes(5000, 2))] }, "src");
    await skopeoCopy(ociReference(source, "src"), dockerReference(registry.host, "layouts/seed", "v1"));
    const pulled = makeTempDir("acr-test-skopeo-pulled-");
    await skopeoCopy(dockerReference(registry.host, "layouts/seed", "v1"), ociReference(pulled, "v1"));
    const layout = new OciImageLayout(pulled);
    expect(await layout.listTags()).toEqual(["v1"]);
    const byTag = await layout.getManifest("v1");
    expect(byTag.digest).toBe(written.manifestDigest);
    expect((await layout.getManifest(byTag.digest)).content.equals(written.manifest)).toBe(true);
    const result = await copyArtifact(layout, "v1", contentClient(registry, "layouts/from-skopeo-layout"));
    expect(result.digest).toBe(written.manifestDigest);
    expect(result.blobs.copied).toHaveLength(2);
    expect((await contentClient(registry, "layouts/from-skopeo-layout").getManifest("v1")).content.equals(written.manifest)).toBe(true);
  });

  it("pulls one platform of an index into a layout that skopeo reads as that platform's image", async () => {
    const client = contentClient(registry, "layouts/multi");
    const { images } = await pushIndex(client, 3, [{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm64", variant: "v8" }], "v2");
    const dir = makeTempDir("acr-test-platform-layout-");
    const result = await copyArtifact(client, "v2", new OciImageLayout(dir), { platform: { os: "linux", architecture: "arm64" } });
    expect(result.digest).toBe(images[1]!.digest);
    expect((await readOciLayout(dir, "v2")).manifestDigest).toBe(images[1]!.digest);
    expect(expectOnlyVerifiedBlobs(dir)).toBe(4);
    const back = makeTempDir("acr-test-platform-back-");
    await skopeoCopy(ociReference(dir, "v2"), ociReference(back, "copy"));
    expect((await readOciLayout(back, "copy")).manifestDigest).toBe(images[1]!.digest);
  });

  it("copies a whole index into a layout and back out of it, to another repository, digest for digest", async () => {
    const client = contentClient(registry, "layouts/index");
    const { index, images } = await pushIndex(client, 4, [{ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm", variant: "v7" }], "v3");
    const layout = new OciImageLayout(makeTempDir("acr-test-index-layout-"));
    await copyArtifact(client, "v3", layout);
    expect((await layout.getManifest("v3", { platform: { os: "linux", architecture: "arm" } })).digest).toBe(images[1]!.digest);
    const back = await copyArtifact(layout, "v3", contentClient(registry, "layouts/index-back"), { tag: "restored" });
    expect(back).toMatchObject({ digest: index.digest, tag: "restored" });
    expect(back.manifests.copied.slice(0, -1).sort()).toEqual([images[0]!.digest, images[1]!.digest].sort());
    expect(back.manifests.copied.at(-1)).toBe(index.digest);
  });

  it("refuses to write into a folder with other content, and to read folders that are not layouts, naming what is wrong", async () => {
    const client = contentClient(registry, "layouts/refused");
    await pushImage(client, 5, { os: "linux", architecture: "amd64" }, { tag: "v1" });
    const other = makeTempDir("acr-test-not-a-layout-");
    await writeFile(path.join(other, "notes.txt"), "mine");
    const refused = await copyArtifact(client, "v1", new OciImageLayout(other)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidOciLayoutError);
    expect((refused as Error).message).toContain("a folder with other content and no oci-layout file");
    expect(readdirSync(other)).toEqual(["notes.txt"]);
    await expect(new OciImageLayout(other).listTags()).rejects.toThrow("it has no oci-layout file");

    const future = makeTempDir("acr-test-future-layout-");
    await writeFile(path.join(future, "oci-layout"), JSON.stringify({ imageLayoutVersion: "2.0.0" }));
    await expect(copyArtifact(new OciImageLayout(future), "v1", client)).rejects.toThrow(/imageLayoutVersion "2.0.0"/);
    const broken = makeTempDir("acr-test-broken-layout-");
    await writeFile(path.join(broken, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    await writeFile(path.join(broken, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "x", digest: "nope", size: 1 }] }));
    await expect(new OciImageLayout(broken).getManifest("v1")).rejects.toThrow(/manifests\[0\]\.digest/);
  });

  it("rejects a tag the layout lacks with an ArtifactNotFoundError, and a layout blob that does not match its digest with a DigestMismatchError", async () => {
    const client = contentClient(registry, "layouts/missing");
    const image = await pushImage(client, 6, { os: "linux", architecture: "amd64" }, { tag: "v1" });
    const dir = makeTempDir("acr-test-missing-layout-");
    await copyArtifact(client, "v1", new OciImageLayout(dir));
    const missing = await copyArtifact(new OciImageLayout(dir), "v9", client).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ArtifactNotFoundError);
    expect(missing).toMatchObject({ reference: "v9", location: dir });
    const layer = path.join(dir, "blobs", "sha256", image.blobs[1]!.slice("sha256:".length));
    await writeFile(layer, Buffer.concat([readFileSync(layer).subarray(1), Buffer.from("!")]));
    const target = contentClient(registry, "layouts/tampered");
    await expect(copyArtifact(new OciImageLayout(dir), "v1", target)).rejects.toMatchObject({ name: "DigestMismatchError" });
    await expect(target.getManifest("v1")).rejects.toMatchObject({ statusCode: 404 });
  });
});
