// copyArtifact's failures: each a typed error, and none leaves a tag at the destination.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../../src/emulator/index.js";
import {
  ArtifactNotFoundError,
  ContainerRegistryContentClient,
  copyArtifact,
  isRestError,
  NoMatchingPlatformError,
  OciImageLayout,
  type CopyArtifactOptions,
} from "../../../src/index.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../../utils/registry.js";
import { contentClient, pushImage, pushIndex } from "./support.js";

const PLATFORMS = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64" },
];

describe.skipIf(!distributionRegistryAvailable())("copyArtifact failures", () => {
  let registry: RunningRegistry;
  let emulator: AcrEmulator;
  beforeAll(async () => {
    [registry, emulator] = await Promise.all([startDistributionRegistry(), startAcrEmulator({ anonymousPull: true })]);
  });
  afterAll(() => Promise.all([registry?.stop(), emulator?.close()]));

  async function expectNothingAt(destination: ContainerRegistryContentClient, tag: string, blobs: string[]): Promise<void> {
    await expect(destination.getManifest(tag)).rejects.toMatchObject({ statusCode: 404 });
    for (const blob of blobs) expect(await destination.blobExists(blob)).toBe(false);
  }

  it("rejects a platform the index lacks with a NoMatchingPlatformError, before copying anything", async () => {
    const source = contentClient(registry, "failures/platform");
    const { images } = await pushIndex(source, 1, PLATFORMS, "v1");
    const destination = contentClient(emulator, "failures/platform");
    for (const options of [{ platform: { os: "linux", architecture: "s390x" } }, { platforms: [{ os: "windows", architecture: "amd64" }] }] as CopyArtifactOptions[]) {
      const error = await copyArtifact(source, "v1", destination, options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NoMatchingPlatformError);
      expect((error as NoMatchingPlatformError).availablePlatforms).toEqual(["linux/amd64", "linux/arm64"]);
    }
    await expectNothingAt(destination, "v1", images.flatMap((image) => image.blobs));
  });

  it("rejects a reference missing on the source with an ArtifactNotFoundError carrying the registry's 404", async () => {
    const error = await copyArtifact(contentClient(registry, "failures/missing"), "nope", contentClient(emulator, "failures/missing")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArtifactNotFoundError);
    expect(error).toMatchObject({ reference: "nope", location: `${registry.host}/failures/missing` });
    expect(isRestError((error as Error).cause) && (error as { cause: { statusCode: number } }).cause.statusCode).toBe(404);
  });

  it("rejects an index that lists a manifest the source lost, naming it, before copying any blob", async () => {
    const source = contentClient(registry, "failures/dangling");
    const { index, images } = await pushIndex(source, 2, PLATFORMS, "v1");
    await source.deleteManifest(images[1]!.digest);
    const destination = contentClient(emulator, "failures/dangling");
    const error = await copyArtifact(source, "v1", destination).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArtifactNotFoundError);
    expect(error).toMatchObject({ reference: images[1]!.digest });
    expect((error as Error).message).toContain(`listed in ${index.digest}`);
    await expectNothingAt(destination, "v1", images[0]!.blobs);
  });

  it("rejects with the registry's RestError when the destination refuses a push, and leaves no tag", async () => {
    const source = contentClient(registry, "failures/refused");
    const image = await pushImage(source, 3, PLATFORMS[0]!, { tag: "v1" });
    const anonymous = new ContainerRegistryContentClient(emulator.endpoint, "failures/refused", { retryOptions: { maxRetries: 0 } });
    const error = await copyArtifact(source, "v1", anonymous).catch((caught: unknown) => caught);
    expect(isRestError(error) && error.statusCode).toBe(401);
    await expectNothingAt(contentClient(emulator, "failures/refused"), "v1", image.blobs);
  });

  it("rejects bad arguments with typed errors, as a rejected promise, before sending anything", async () => {
    const client = contentClient(registry, "failures/arguments");
    const layout = new OciImageLayout("/nonexistent/never-created");
    const cases: Array<[unknown, unknown, unknown, unknown, ErrorConstructor]> = [
      [{}, "v1", client, {}, TypeError],
      [client, "v1", "/tmp/folder", {}, TypeError],
      [client, "bad tag!", layout, {}, RangeError],
      [client, "v1", layout, { tag: "-bad" }, RangeError],
      [client, "v1", layout, { concurrency: 0 }, RangeError],
      [client, "v1", layout, { concurrency: 1.5 }, RangeError],
      [client, "v1", layout, { platform: PLATFORMS[0], platforms: [PLATFORMS[1]] }, TypeError],
      [client, "v1", layout, { platforms: [] }, TypeError],
      [client, "v1", layout, { platform: { os: "linux" } }, TypeError],
      [client, "v1", layout, { includeReferrers: "yes" }, TypeError],
      [client, "v1", layout, { onProgress: 42 }, TypeError],
    ];
    for (const [source, reference, destination, options, type] of cases) {
      let pending: Promise<unknown> | undefined;
      expect(() => {
        pending = copyArtifact(source as never, reference as string, destination as never, options as CopyArtifactOptions);
      }).not.toThrow();
      await expect(pending, JSON.stringify(options)).rejects.toThrow(type);
    }
  });
});
