// ContainerRegistryContentClient.copyBlob between two CNCF registries (plain http and TLS): the
// source's download relayed into the destination's upload, verified, resumed after a drop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ContainerRegistryContentClient, DigestMismatchError, type BlobTransferProgress } from "../../../src/index.js";
import { startFaultProxy, type FaultProxy } from "../../utils/faultProxy.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../../utils/registry.js";
import { bytes, contentClient, sha256 } from "./support.js";

const MiB = 1024 * 1024;
const isBlobGet = ({ method, path }: { method: string; path: string }): boolean => method === "GET" && path.includes("/blobs/sha256:");

describe.skipIf(!distributionRegistryAvailable())("copyBlob between registries", () => {
  let plain: RunningRegistry;
  let secured: RunningRegistry;
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    [plain, secured] = await Promise.all([startDistributionRegistry(), startDistributionRegistry({ tls: true, relativeUrls: true })]);
  });
  afterAll(() => Promise.all([proxy?.stop(), plain?.stop(), secured?.stop()]));

  it.each([
    ["plain http to TLS", () => plain, () => secured],
    ["TLS to plain http", () => secured, () => plain],
  ])("streams a 3 MiB blob %s, byte for byte, reporting the upload's progress to the end", async (_name, from, to) => {
    const data = bytes(3 * MiB + 123, from().port);
    const source = contentClient(from(), "relay/source");
    const { digest } = await source.uploadBlob(data);
    const destination = contentClient(to(), `relay/from-${from().port}`);
    const progress: BlobTransferProgress[] = [];
    const result = await destination.copyBlob(digest, source, { onProgress: (event) => progress.push(event) });
    expect(result).toEqual({ digest, sizeInBytes: data.length, mounted: false });
    expect(progress.at(-1)?.loadedBytes).toBe(data.length);
    const { content } = await destination.downloadBlob(digest);
    const parts: Buffer[] = [];
    for await (const part of content) parts.push(part as Buffer);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
  });

  it("resumes the source's download where it dropped, twice, and the destination stores the blob whole", async () => {
    const data = bytes(3 * MiB, 7);
    const { digest } = await contentClient(plain, "relay/dropped").uploadBlob(data);
    proxy = await startFaultProxy({ target: plain.endpoint, cut: { match: isBlobGet, afterBytes: MiB + 17, times: 2 } });
    const source = contentClient({ endpoint: proxy.endpoint }, "relay/dropped");
    const result = await contentClient(secured, "relay/dropped").copyBlob(digest, source);
    expect(result.mounted).toBe(false);
    expect(proxy.cuts).toBe(2);
    expect(proxy.requests.filter(isBlobGet).map((request) => request.headers.range)).toEqual([undefined, `bytes=${MiB + 17}-`, `bytes=${2 * (MiB + 17)}-`]);
    expect(await contentClient(secured, "relay/dropped").getBlobProperties(digest)).toEqual({ digest, sizeInBytes: data.length });
    await proxy.stop();
    proxy = undefined;
  });

  it("fails with a DigestMismatchError when a byte is corrupted on the way, and the destination keeps nothing", async () => {
    const data = bytes(2 * MiB, 8);
    const { digest } = await contentClient(plain, "relay/corrupted").uploadBlob(data);
    proxy = await startFaultProxy({ target: plain.endpoint, faults: [{ match: isBlobGet, fault: { kind: "flip", atByte: MiB + 5 } }] });
    const destination = contentClient(secured, "relay/corrupted");
    const error = await destination.copyBlob(digest, contentClient({ endpoint: proxy.endpoint }, "relay/corrupted")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(await destination.blobExists(digest)).toBe(false);
    await proxy.stop();
    proxy = undefined;
  });

  it("mounts within one registry, and copies instead when told not to mount", async () => {
    const data = bytes(4096, 9);
    const source = contentClient(plain, "relay/mount-source");
    const { digest } = await source.uploadBlob(data);
    expect(await contentClient(plain, "relay/mounted").copyBlob(digest, source)).toEqual({ digest, mounted: true });
    expect(await contentClient(plain, "relay/not-mounted").copyBlob(digest, source, { mount: false })).toEqual({ digest, sizeInBytes: 4096, mounted: false });
  });

  it("rejects bad arguments before sending anything", async () => {
    const destination = contentClient(plain, "relay/arguments");
    const source = contentClient(plain, "relay/source");
    const digest = sha256(Buffer.from("x"));
    await expect(destination.copyBlob(digest, {} as ContainerRegistryContentClient)).rejects.toThrow(TypeError);
    await expect(destination.copyBlob("sha256:nothex", source)).rejects.toThrow(RangeError);
    await expect(destination.copyBlob(`sha512:${"a".repeat(128)}`, source)).rejects.toThrow("sha256");
    await expect(destination.copyBlob(digest, source, { sizeInBytes: -1 })).rejects.toThrow(RangeError);
  });
});
