// copyArtifact between the two servers, both ways, and within one: indexes with all or some
// platforms, mounts, skips, resumption after an interruption, referrers, progress.
import { AbortError } from "@azure/abort-controller";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../../src/emulator/index.js";
import { copyArtifact, KnownManifestMediaType, type CopyProgress, type OciImageIndex } from "../../../src/index.js";
import { attach, collect, contentClient, NOTATION_SIGNATURE, pushImage, pushIndex, SBOM, SERVERS, type LiveRegistry } from "./support.js";

const PLATFORMS = [
  { os: "linux", architecture: "amd64" },
  { os: "linux", architecture: "arm64", variant: "v8" },
  { os: "windows", architecture: "amd64", "os.version": "10.0.17763.1040" },
];

const available = SERVERS.every((server) => server.available);

describe.skipIf(!available)("copyArtifact between the CNCF registry and the ACR emulator", () => {
  const running: Record<string, LiveRegistry & { stop(): Promise<void> }> = {};
  beforeAll(async () => {
    const [distribution, emulator] = await Promise.all(SERVERS.map((server) => server.start()));
    Object.assign(running, { distribution, emulator });
  });
  afterAll(() => Promise.all(Object.values(running).map((server) => server.stop())));
  const directions = [
    { from: "distribution", to: "emulator" },
    { from: "emulator", to: "distribution" },
  ];

  it.each(directions)("copies an index with all its platforms from $from to $to, digest for digest, tagged", async ({ from, to }) => {
    const source = contentClient(running[from]!, `copy/all-${from}`);
    const { index, images } = await pushIndex(source, from.length, PLATFORMS, "v1");
    const destination = contentClient(running[to]!, `copy/all-from-${from}`);
    const result = await copyArtifact(source, "v1", destination);
    const blobs = images.flatMap((image) => image.blobs);
    expect(result).toMatchObject({ digest: index.digest, mediaType: KnownManifestMediaType.OciImageIndex, sizeInBytes: index.size, tag: "v1" });
    expect(result.blobs.copied.sort()).toEqual([...blobs].sort());
    // The images in any order (they go in parallel), the index after them.
    expect(result.manifests.copied.slice(0, -1).sort()).toEqual(images.map((image) => image.digest).sort());
    expect(result.manifests.copied.at(-1)).toBe(index.digest);
    expect(result.transferredBytes).toBeGreaterThan(0);
    const copied = await destination.getManifest("v1");
    expect(copied.content.equals((await source.getManifest("v1")).content)).toBe(true);
    for (const image of images) expect((await destination.getManifest(image.digest)).digest).toBe(image.digest);
  });

  it.each(["distribution", "emulator"])("mounts every blob between two repositories of %s, transferring no byte", async (server) => {
    const source = contentClient(running[server]!, "copy/mount-source");
    const { images } = await pushIndex(source, 7, PLATFORMS.slice(0, 2), "v1");
    const result = await copyArtifact(source, "v1", contentClient(running[server]!, "copy/mount-target"));
    expect(result.blobs.mounted.sort()).toEqual(images.flatMap((image) => image.blobs).sort());
    expect(result.blobs.copied).toEqual([]);
    expect(result.transferredBytes).toBe(0);
  });

  it("skips what the destination already has: a second copy transfers nothing and still tags", async () => {
    const source = contentClient(running.distribution!, "copy/again");
    const image = await pushImage(source, 8, PLATFORMS[0]!, { tag: "v1" });
    const destination = contentClient(running.emulator!, "copy/again");
    await copyArtifact(source, "v1", destination);
    const again = await copyArtifact(source, "v1", destination, { tag: "v2" });
    expect(again).toMatchObject({ blobs: { copied: [], mounted: [], skipped: expect.arrayContaining(image.blobs) }, manifests: { copied: [], skipped: [image.digest] } });
    expect((await destination.getManifest("v2")).digest).toBe(image.digest);
  });

  it("leaves no tag when interrupted, and run again skips the blobs the first run completed", async () => {
    const source = contentClient(running.emulator!, "copy/interrupted");
    const { index, images } = await pushIndex(source, 9, PLATFORMS, "v1");
    const destination = contentClient(running.distribution!, "copy/interrupted");
    const controller = new AbortController();
    const done: string[] = [];
    const onProgress = (progress: CopyProgress): void => {
      if (progress.blob.state === "copied") done.push(progress.blob.digest);
      if (done.length === 2) controller.abort();
    };
    const interrupted = await copyArtifact(source, "v1", destination, { concurrency: 1, onProgress, abortSignal: controller.signal }).catch((error: unknown) => error);
    expect(interrupted).toBeInstanceOf(AbortError);
    await expect(destination.getManifest("v1")).rejects.toMatchObject({ statusCode: 404 });
    const resumed = await copyArtifact(source, "v1", destination);
    expect(resumed.digest).toBe(index.digest);
    expect(resumed.blobs.skipped).toEqual(expect.arrayContaining(done));
    expect(resumed.blobs.copied.length + resumed.blobs.skipped.length).toBe(images.flatMap((image) => image.blobs).length);
  });

  it("copies only the platforms asked for into a new index, keeping the attestation of the image it keeps", async () => {
    const source = contentClient(running.distribution!, "copy/some-platforms");
    const { images } = await pushIndex(source, 10, PLATFORMS, "full");
    const attestation = await pushImage(source, 11, { os: "unknown", architecture: "unknown" });
    const index: OciImageIndex = {
      schemaVersion: 2,
      mediaType: KnownManifestMediaType.OciImageIndex,
      manifests: [
        ...images.map((image, i) => ({ mediaType: image.mediaType, digest: image.digest, size: image.size, platform: PLATFORMS[i] })),
        {
          mediaType: attestation.mediaType,
          digest: attestation.digest,
          size: attestation.size,
          platform: { os: "unknown", architecture: "unknown" },
          annotations: { "vnd.docker.reference.digest": images[1]!.digest, "vnd.docker.reference.type": "attestation-manifest" },
        },
      ],
    };
    await source.setManifest(index, { tag: "v1" });
    const destination = contentClient(running.emulator!, "copy/some-platforms");
    const result = await copyArtifact(source, "v1", destination, { platforms: [{ os: "linux", architecture: "aarch64" }] });
    const copied = await destination.getManifest("v1");
    expect(copied.digest).toBe(result.digest);
    expect((copied.manifest as OciImageIndex).manifests.map((entry) => entry.digest)).toEqual([images[1]!.digest, attestation.digest]);
    expect(result.blobs.copied.sort()).toEqual([...images[1]!.blobs, ...attestation.blobs].sort());
    await expect(destination.getManifest(images[0]!.digest)).rejects.toMatchObject({ statusCode: 404 });
  });

  it.each(directions)("copies signatures and SBOMs of an index and of its images, and their own referrers, from $from to $to", async ({ from, to }) => {
    const source = contentClient(running[from]!, `copy/referrers-${from}`);
    const { index, images } = await pushIndex(source, 12 + from.length, PLATFORMS.slice(0, 2), "v1");
    const indexSignature = await attach(source, index, NOTATION_SIGNATURE, "index signed");
    const sbom = await attach(source, images[0]!, SBOM, "{}");
    const sbomSignature = await attach(source, sbom, NOTATION_SIGNATURE, "sbom signed");
    const destination = contentClient(running[to]!, `copy/referrers-from-${from}`);
    const result = await copyArtifact(source, "v1", destination, { includeReferrers: true });
    expect(result.referrers.sort()).toEqual([indexSignature.digest, sbom.digest, sbomSignature.digest].sort());
    expect((await collect(destination.listReferrers(index.digest))).map((referrer) => referrer.digest)).toEqual([indexSignature.digest]);
    expect(await collect(destination.listReferrers(images[0]!.digest))).toMatchObject([{ digest: sbom.digest, artifactType: SBOM }]);
    expect((await collect(destination.listReferrers(sbom.digest, { artifactType: NOTATION_SIGNATURE }))).map((referrer) => referrer.digest)).toEqual([sbomSignature.digest]);
    expect((await destination.getManifest("v1")).digest).toBe(index.digest);
  });

  it("reports progress per blob and in total, ending with every byte and blob counted, never more blobs in flight than concurrency", async () => {
    const source = contentClient(running.emulator!, "copy/progress");
    await pushIndex(source, 14, PLATFORMS, "v1");
    const events: CopyProgress[] = [];
    const inFlight = new Set<string>();
    let mostInFlight = 0;
    const result = await copyArtifact(source, "v1", contentClient(running.distribution!, "copy/progress"), {
      concurrency: 2,
      onProgress: (progress) => {
        events.push(progress);
        if (progress.blob.state === "transferring") inFlight.add(progress.blob.digest);
        else inFlight.delete(progress.blob.digest);
        mostInFlight = Math.max(mostInFlight, inFlight.size);
      },
    });
    const last = events.at(-1)!;
    expect(last).toMatchObject({ completedBlobs: result.blobs.copied.length, totalBlobs: result.blobs.copied.length, loadedBytes: last.totalBytes });
    expect(last.totalBytes).toBe(result.transferredBytes);
    expect(events.map((event) => event.loadedBytes)).toEqual([...events.map((event) => event.loadedBytes)].sort((a, b) => a - b));
    expect(mostInFlight).toBeLessThanOrEqual(2);
    expect(new Set(events.filter((event) => event.blob.state === "copied").map((event) => event.blob.digest)).size).toBe(result.blobs.copied.length);
  });
});

describe("copyArtifact between two emulators with credentials of their own", () => {
  let emulators: AcrEmulator[] = [];
  beforeAll(async () => {
    emulators = await Promise.all(["token-of-a", "token-of-b"].map((devToken) => startAcrEmulator({ devToken })));
  });
  afterAll(() => Promise.all(emulators.map((emulator) => emulator.close())));

  it("authenticates each side with its own credential only (the other side's token would be refused)", async () => {
    const [a, b] = emulators.map((emulator) => ({ endpoint: emulator.endpoint, credential: emulator.credential }));
    const source = contentClient(a!, "apart/source");
    const image = await pushImage(source, 15, PLATFORMS[0]!, { tag: "v1" });
    const result = await copyArtifact(source, "v1", contentClient(b!, "apart/target"));
    expect(result.digest).toBe(image.digest);
    for (const emulator of emulators) expect(emulator.requestLog.filter((entry) => entry.path === "/oauth2/exchange").map((entry) => entry.status)).toEqual([200]);
  });
});
