// Interoperability with skopeo (containers/image), a peer client: images this library pushes are
// pulled by skopeo byte for byte, and images skopeo pushes are pulled and verified by this library.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KnownManifestMediaType } from "../../../src/index.js";
import { makeTempDir } from "../../utils/processCleanup.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../../utils/registry.js";
import { dockerReference, ociReference, readOciLayout, skopeoAvailable, skopeoCopy, writeOciLayout } from "../../utils/skopeo.js";
import { bytes, contentClient, readAll, sha256 } from "./support.js";

const available = distributionRegistryAvailable() && skopeoAvailable();

const flavours = [
  {
    name: "OCI",
    manifest: KnownManifestMediaType.OciImageManifest,
    config: "application/vnd.oci.image.config.v1+json",
    layer: "application/vnd.oci.image.layer.v1.tar+gzip",
  },
  {
    name: "Docker",
    manifest: KnownManifestMediaType.DockerManifest,
    config: "application/vnd.docker.container.image.v1+json",
    layer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  },
];

/** What `skopeo copy ... dir:DIR` wrote: the manifest as pulled, and each blob by its hex digest. */
async function readDirImage(dir: string): Promise<{ manifest: Buffer; blob: (digest: string) => Promise<Buffer> }> {
  return {
    manifest: await readFile(path.join(dir, "manifest.json")),
    blob: (digest) => readFile(path.join(dir, digest.slice(digest.indexOf(":") + 1))),
  };
}

describe.skipIf(!available)("interop with skopeo", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startDistributionRegistry();
  });
  afterAll(() => registry?.stop());

  it.each(flavours)("an image pushed with this library ($name media types) is pulled by skopeo byte for byte", async (flavour) => {
    const repository = `interop/pushed-${flavour.name.toLowerCase()}`;
    const client = contentClient(registry, repository);
    const layers = [gzipSync(bytes(200_000, 1)), gzipSync(bytes(50_000, 2))];
    const layerDigests = await Promise.all(layers.map((layer) => client.uploadBlob(layer)));
    const config = Buffer.from(
      JSON.stringify({
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers", diff_ids: [sha256(bytes(200_000, 1)), sha256(bytes(50_000, 2))] },
      }),
    );
    const configDigest = await client.uploadBlob(config);
    const manifest = {
      schemaVersion: 2,
      mediaType: flavour.manifest,
      config: { mediaType: flavour.config, digest: configDigest.digest, size: configDigest.sizeInBytes },
      layers: layerDigests.map(({ digest, sizeInBytes }) => ({ mediaType: flavour.layer, digest, size: sizeInBytes })),
    };
    const { digest } = await client.setManifest(manifest, { tag: "v1" });

    const dir = makeTempDir("content-skopeo-pull-");
    await skopeoCopy(dockerReference(registry.host, repository, "v1"), `dir:${dir}`);
    const pulled = await readDirImage(dir);
    expect(sha256(pulled.manifest)).toBe(digest);
    expect(pulled.manifest.equals(Buffer.from(JSON.stringify(manifest)))).toBe(true);
    expect((await pulled.blob(configDigest.digest)).equals(config)).toBe(true);
    for (const [index, layer] of layers.entries()) expect((await pulled.blob(layerDigests[index]!.digest)).equals(layer)).toBe(true);
  });

  it("an image pushed by skopeo is pulled and verified by this library", async () => {
    const dir = makeTempDir("content-skopeo-push-");
    const image = await writeOciLayout(dir, {
      config: Buffer.from(JSON.stringify({ architecture: "arm64", os: "linux", rootfs: { type: "layers", diff_ids: [] } })),
      layers: [gzipSync(bytes(120_000, 3)), gzipSync(bytes(10_000, 4))],
    });
    const repository = "interop/from-skopeo";
    await skopeoCopy(ociReference(dir, "latest"), dockerReference(registry.host, repository, "v2"));

    const client = contentClient(registry, repository);
    const got = await client.getManifest("v2");
    expect(got.digest).toBe(image.manifestDigest);
    expect(got.content.equals(image.manifest)).toBe(true);
    expect(got.mediaType).toBe(KnownManifestMediaType.OciImageManifest);
    if (!("layers" in got.manifest)) throw new Error("expected an image manifest");
    const config = await client.downloadBlob(got.manifest.config.digest);
    expect((await readAll(config.content)).equals(image.config)).toBe(true);
    for (const [index, layer] of got.manifest.layers.entries()) {
      const download = await client.downloadBlob(layer.digest);
      expect(download.sizeInBytes).toBe(layer.size);
      expect((await readAll(download.content)).equals(image.layers[index]!)).toBe(true);
    }
    // And back: skopeo reads what it pushed, as the registry now serves it.
    const again = makeTempDir("content-skopeo-again-");
    await skopeoCopy(dockerReference(registry.host, repository, "v2"), ociReference(again, "latest"));
    expect((await readOciLayout(again)).manifestDigest).toBe(image.manifestDigest);
  });
});

describe.runIf(!available)("interop with skopeo", () => {
  it.skip("skipped: needs docker-registry and skopeo (apt-get install docker-registry skopeo)", () => undefined);
});
