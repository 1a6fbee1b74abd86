// One suite, two servers: blobs and manifests round-trip through the real CNCF distribution
// registry — over plain http and TLS (self-signed certificate passed as tlsOptions.ca), with
// absolute and relative upload Locations — and through the ACR emulator, with ACR's token
// authentication. The same assertions hold for both: a difference is an emulator bug.
import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KnownManifestMediaType, isRestError, type OciImageIndex, type OciImageManifest } from "../../../src/index.js";
import { startAcrEmulator } from "../../../src/emulator/index.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../../utils/registry.js";
import { bytes, contentClient, MiB, readAll, sha256, SKIP_MESSAGE, type LiveRegistry } from "./support.js";

const CHUNK = MiB;
interface Server {
  name: string;
  /** Varies blob contents between servers, so that no two runs share a digest by accident. */
  seed: number;
  available: boolean;
  /** Whether the server honours `n` on `tags/list`. */
  pagesTags: boolean;
  start(): Promise<LiveRegistry & { stop(): Promise<void> }>;
}

const distribution = (tls: boolean, relativeUrls: boolean): Server => ({
  name: `distribution, ${tls ? "TLS" : "http"}, ${relativeUrls ? "relative" : "absolute"} Locations`,
  seed: (tls ? 1 : 2) + (relativeUrls ? 10 : 20),
  available: distributionRegistryAvailable(),
  pagesTags: false,
  start: () => startDistributionRegistry({ tls, relativeUrls }),
});

const servers: Server[] = [
  distribution(false, false),
  distribution(false, true),
  distribution(true, false),
  distribution(true, true),
  {
    name: "ACR emulator, with token authentication",
    seed: 40,
    available: true,
    pagesTags: true,
    start: async () => {
      const emulator = await startAcrEmulator();
      return { endpoint: emulator.endpoint, credential: emulator.credential, stop: () => emulator.close() };
    },
  },
];

describe("content client against real servers", () => {
  describe.each(servers.filter((server) => server.available))("$name", (server) => {
    let registry: LiveRegistry & { stop(): Promise<void> };
    beforeAll(async () => {
      registry = await server.start();
    });
    afterAll(() => registry?.stop());

    it.each([0, 1, CHUNK - 1, CHUNK, CHUNK + 1])("round-trips a blob of %i bytes, as bytes (then deleted) and as a stream of unknown length", async (size) => {
      const client = contentClient(registry, "blobs/sizes", { uploadChunkSizeInBytes: CHUNK });
      const data = bytes(size, size + server.seed);
      const fromBuffer = await client.uploadBlob(data);
      expect(fromBuffer).toEqual({ digest: sha256(data), sizeInBytes: size });
      await client.deleteBlob(fromBuffer.digest);
      expect(await client.blobExists(fromBuffer.digest)).toBe(false);
      const fromStream = await client.uploadBlob(Readable.from(size ? [data.subarray(0, size >> 1), data.subarray(size >> 1)] : []));
      expect(fromStream).toEqual({ digest: sha256(data), sizeInBytes: size });
      const download = await client.downloadBlob(fromStream.digest);
      expect(download.sizeInBytes).toBe(size);
      expect((await readAll(download.content)).equals(data)).toBe(true);
      expect(await client.getBlobProperties(fromStream.digest)).toEqual({ digest: sha256(data), sizeInBytes: size });
    });

    it("pushes and pulls OCI and Docker manifests and an OCI index, by tag and by digest, and deletes them", async () => {
      const client = contentClient(registry, "images/app");
      const config = await client.uploadBlob(Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux" })));
      const layer = await client.uploadBlob(bytes(10_000, 7));
      const oci: OciImageManifest = {
        schemaVersion: 2,
        mediaType: KnownManifestMediaType.OciImageManifest,
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config, size: config.sizeInBytes },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layer.digest, size: layer.sizeInBytes }],
        annotations: { "org.opencontainers.image.created": "2024-01-01T00:00:00Z" },
      };
      const docker = {
        schemaVersion: 2,
        mediaType: KnownManifestMediaType.DockerManifest,
        config: { mediaType: "application/vnd.docker.container.image.v1+json", digest: config.digest, size: config.sizeInBytes },
        layers: [{ mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", digest: layer.digest, size: layer.sizeInBytes }],
      };
      const pushedOci = await client.setManifest(oci, { tag: "oci" });
      const dockerBytes = Buffer.from(JSON.stringify(docker, null, 3));
      const pushedDocker = await client.setManifest(dockerBytes, { tag: "docker" });
      expect(pushedDocker.digest).toBe(sha256(dockerBytes));
      const ociBytes = Buffer.from(JSON.stringify(oci));
      const index: OciImageIndex = {
        schemaVersion: 2,
        mediaType: KnownManifestMediaType.OciImageIndex,
        manifests: [
          { mediaType: KnownManifestMediaType.OciImageManifest, digest: pushedOci.digest, size: pushedOci.sizeInBytes, platform: { architecture: "amd64", os: "linux" } },
        ],
      };
      const pushedIndex = await client.setManifest(index, { tag: "multi" });
      expect(pushedOci.sizeInBytes).toBe(ociBytes.length);

      for (const [reference, digest, mediaType, content] of [
        ["oci", pushedOci.digest, KnownManifestMediaType.OciImageManifest, ociBytes],
        ["docker", pushedDocker.digest, KnownManifestMediaType.DockerManifest, dockerBytes],
        ["multi", pushedIndex.digest, KnownManifestMediaType.OciImageIndex, Buffer.from(JSON.stringify(index))],
      ] as const) {
        for (const ref of [reference, digest]) {
          const got = await client.getManifest(ref);
          expect(got).toMatchObject({ digest, mediaType });
          expect(got.content.equals(content)).toBe(true);
          expect(got.manifest).toEqual(JSON.parse(content.toString()));
        }
      }
      for (const digest of [pushedIndex.digest, pushedDocker.digest, pushedOci.digest]) await client.deleteManifest(digest);
      const gone = await client.getManifest("oci").catch((e: unknown) => e);
      expect(isRestError(gone) && gone.statusCode).toBe(404);
    });

    it("lists a repository's tags by pages with the OCI tags API", async () => {
      const client = contentClient(registry, "images/tagged");
      const config = await client.uploadBlob(Buffer.from("{}"));
      const manifest = {
        schemaVersion: 2,
        mediaType: KnownManifestMediaType.OciImageManifest,
        config: { mediaType: "application/vnd.oci.empty.v1+json", digest: config.digest, size: config.sizeInBytes },
        layers: [],
      };
      const tags = ["a1", "b2", "c3", "d4", "e5"];
      for (const tag of tags) await client.setManifest(manifest, { tag });
      const all: string[] = [];
      for await (const tag of client.listTagNames()) all.push(tag);
      expect(all.sort()).toEqual(tags); // distribution lists an unpaged response in storage order
      const pages: string[][] = [];
      for await (const page of client.listTagNames().byPage({ maxPageSize: 2 })) pages.push([...page]);
      expect(pages.flat().sort()).toEqual(tags);
      // distribution 2.8 ignores `n` on tags/list (it pages only its catalog); the emulator, like ACR, pages.
      if (server.pagesTags) expect(pages).toEqual([["a1", "b2"], ["c3", "d4"], ["e5"]]);
    });
  });

  describe.skipIf(!distributionRegistryAvailable())("large blobs, distribution", () => {
    let registry: RunningRegistry;
    beforeAll(async () => {
      registry = await startDistributionRegistry();
    });
    afterAll(() => registry?.stop());

    it("round-trips 128 MiB streamed from a generator, hashed independently, with progress both ways", async () => {
      const size = 128 * MiB;
      const independent = createHash("sha256");
      async function* generate(): AsyncGenerator<Buffer> {
        const piece = bytes(MiB, 99);
        for (let i = 0; i < size / MiB; i++) {
          const out = Buffer.from(piece);
          out.writeUInt32LE(i, 0);
          independent.update(out);
          yield out;
        }
      }
      const client = contentClient(registry, "blobs/large");
      const uploadProgress: number[] = [];
      const uploaded = await client.uploadBlob(generate(), { onProgress: (p) => uploadProgress.push(p.loadedBytes) });
      const expected = `sha256:${independent.digest("hex")}`;
      expect(uploaded).toEqual({ digest: expected, sizeInBytes: size });
      expect(uploadProgress.at(-1)).toBe(size);

      const downloadProgress: Array<{ loadedBytes: number; totalBytes?: number }> = [];
      const download = await client.downloadBlob(expected, { onProgress: (p) => downloadProgress.push(p) });
      const check = createHash("sha256");
      let length = 0;
      for await (const chunk of download.content) {
        check.update(chunk as Buffer);
        length += (chunk as Buffer).length;
      }
      expect(length).toBe(size);
      expect(`sha256:${check.digest("hex")}`).toBe(expected);
      expect(downloadProgress.at(-1)).toEqual({ loadedBytes: size, totalBytes: size });
    });
  });
});

describe.runIf(!distributionRegistryAvailable())("content client against the CNCF distribution registry", () => {
  it.skip(SKIP_MESSAGE, () => undefined);
});
