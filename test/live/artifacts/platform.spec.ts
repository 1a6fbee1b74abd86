// getManifest({ platform }) on both servers, with multi-platform indexes (OCI and Docker) the tests build.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KnownManifestMediaType, NoMatchingPlatformError, type OciImageIndex } from "../../../src/index.js";
import { contentClient, pushImage, pushIndex, SERVERS, type LiveRegistry } from "./support.js";

const PLATFORMS = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64", variant: "v8" },
  { os: "linux", architecture: "arm", variant: "v7" },
];

describe.each(SERVERS.filter((server) => server.available))("platform selection on $name", (server) => {
  let registry: LiveRegistry & { stop(): Promise<void> };
  beforeAll(async () => {
    registry = await server.start();
  });
  afterAll(() => registry?.stop());

  it("resolves an index to the image of a platform, aliases and default variants included", async () => {
    const client = contentClient(registry, "platforms/oci");
    const { images } = await pushIndex(client, 1, PLATFORMS, "multi");
    for (const [platform, expected] of [
      [{ os: "linux", architecture: "amd64" }, images[0]],
      [{ os: "linux", architecture: "x86_64" }, images[0]],
      [{ os: "linux", architecture: "arm64" }, images[1]],
      [{ os: "linux", architecture: "aarch64", variant: "8" }, images[1]],
      [{ os: "linux", architecture: "armhf" }, images[2]],
    ] as const) {
      const selected = await client.getManifest("multi", { platform });
      expect(selected.digest, JSON.stringify(platform)).toBe(expected!.digest);
      expect(selected.mediaType).toBe(KnownManifestMediaType.OciImageManifest);
      expect("layers" in selected.manifest && selected.manifest.layers).toHaveLength(2);
    }
  });

  it("rejects a platform the index lacks with a NoMatchingPlatformError listing the platforms it has", async () => {
    const client = contentClient(registry, "platforms/missing");
    const { index } = await pushIndex(client, 2, PLATFORMS, "multi");
    const error = await client.getManifest("multi", { platform: { os: "linux", architecture: "riscv64" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoMatchingPlatformError);
    expect(error).toMatchObject({ requestedPlatform: "linux/riscv64", availablePlatforms: ["linux/amd64", "linux/arm64/v8", "linux/arm/v7"], digest: index.digest });
    expect((error as Error).message).toContain("available: linux/amd64, linux/arm64/v8, linux/arm/v7");
  });

  it("resolves a Docker manifest list the same way", async () => {
    const client = contentClient(registry, "platforms/docker");
    const images = await Promise.all(PLATFORMS.slice(0, 2).map((platform, index) => pushImage(client, 30 + index, platform)));
    const list = {
      schemaVersion: 2,
      mediaType: KnownManifestMediaType.DockerManifestList,
      manifests: images.map((image, index) => ({ mediaType: image.mediaType, digest: image.digest, size: image.size, platform: PLATFORMS[index] })),
    };
    await client.setManifest(list, { tag: "list" });
    expect((await client.getManifest("list", { platform: { os: "linux", architecture: "arm64" } })).digest).toBe(images[1]!.digest);
  });

  it("checks an image manifest against the platform of its config", async () => {
    const client = contentClient(registry, "platforms/single");
    const image = await pushImage(client, 4, { os: "linux", architecture: "arm64", variant: "v8" }, { tag: "arm" });
    expect((await client.getManifest("arm", { platform: { os: "linux", architecture: "aarch64" } })).digest).toBe(image.digest);
    const error = await client.getManifest("arm", { platform: { os: "linux", architecture: "amd64" } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "NoMatchingPlatformError", availablePlatforms: ["linux/arm64/v8"], digest: image.digest });
  });

  it("follows an index of indexes to the image", async () => {
    const client = contentClient(registry, "platforms/nested");
    const { index } = await pushIndex(client, 5, PLATFORMS.slice(1), "inner");
    const outer: OciImageIndex = {
      schemaVersion: 2,
      mediaType: KnownManifestMediaType.OciImageIndex,
      manifests: [{ mediaType: index.mediaType, digest: index.digest, size: index.size, platform: { os: "linux", architecture: "arm64" } }],
    };
    await client.setManifest(outer, { tag: "outer" });
    const selected = await client.getManifest("outer", { platform: { os: "linux", architecture: "arm64" } });
    expect(selected.digest).toBe((await client.getManifest("inner", { platform: { os: "linux", architecture: "arm64" } })).digest);
  });

  it("rejects a malformed platform option without throwing synchronously", async () => {
    const client = contentClient(registry, "platforms/bad");
    const pending = client.getManifest("any", { platform: { os: "linux" } as never });
    await expect(pending).rejects.toThrow("platform.architecture must be a non-empty string");
  });
});
