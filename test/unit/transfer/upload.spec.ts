import { writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { AbortError } from "@azure/abort-controller";
import { ContainerRegistryContentClient, DigestMismatchError, isRestError } from "../../../src/index.js";
import { makeTempDir } from "../../utils/processCleanup.js";
import { ENDPOINT, error, fakeContentClient as setup, FakeRegistry, sha256 } from "../fakes/fakeRegistry.js";

const MiB = 1024 * 1024;

function bytes(length: number, seed = 1): Buffer {
  const buffer = Buffer.alloc(length);
  for (let i = 0; i < length; i++) buffer[i] = (i * 31 + seed) & 0xff;
  return buffer;
}

async function* pieces(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

describe("uploadBlob: content of known length", () => {
  it("sends POST, one whole-body PATCH without Content-Range, then PUT ?digest=", async () => {
    const { registry, client } = setup();
    const data = bytes(3 * MiB + 5);
    const result = await client.uploadBlob(data);
    expect(result).toEqual({ digest: sha256(data), sizeInBytes: data.length });
    expect(registry.requests.map((r) => r.method)).toEqual(["POST", "PATCH", "PUT"]);
    const patch = registry.requests[1]!;
    expect(patch.bodyLength).toBe(data.length);
    expect(patch.headers["content-length"]).toBe(String(data.length));
    expect(patch.headers["content-range"]).toBeUndefined();
    const put = registry.requests[2]!;
    expect(put.bodyLength).toBe(0);
    expect(new URL(put.url).searchParams.get("digest")).toBe(sha256(data));
    expect(registry.blobs.get(sha256(data))?.equals(data)).toBe(true);
  });

  it("keeps the upload state of the Location byte for byte and appends ?digest= to it", async () => {
    const { registry, client } = setup();
    await client.uploadBlob(Buffer.from("x"));
    expect(registry.requests[2]!.url).toMatch(/\?_state=u1%3D%3D&digest=sha256%3A[0-9a-f]{64}$/);
  });

  it("follows absolute Location headers as well as relative ones", async () => {
    const { registry, client } = setup({ absoluteLocations: true });
    const data = bytes(1000);
    expect((await client.uploadBlob(data)).digest).toBe(sha256(data));
    expect(registry.requests.map((r) => new URL(r.url).host)).toEqual(["registry.test", "registry.test", "registry.test"]);
  });

  it("uploads a file by path, and a stream with sizeInBytes, in three requests", async () => {
    const { registry, client } = setup();
    const data = bytes(2 * MiB + 3);
    const file = path.join(makeTempDir("acr-test-upload-"), "blob");
    writeFileSync(file, data);
    expect(await client.uploadBlob(file)).toEqual({ digest: sha256(data), sizeInBytes: data.length });
    expect(await client.uploadBlob(pieces(data, 70_000), { sizeInBytes: data.length })).toEqual({ digest: sha256(data), sizeInBytes: data.length });
    expect(registry.requests.map((r) => r.method)).toEqual(["POST", "PATCH", "PUT", "POST", "PATCH", "PUT"]);
  });

  it("sends an empty blob without a PATCH", async () => {
    const { registry, client } = setup();
    expect(await client.uploadBlob(Buffer.alloc(0))).toEqual({ digest: sha256(Buffer.alloc(0)), sizeInBytes: 0 });
    expect(registry.requests.map((r) => r.method)).toEqual(["POST", "PUT"]);
  });

  it("uses a monolithic PUT when the digest is given: two requests", async () => {
    const { registry, client } = setup();
    const data = bytes(5000);
    expect(await client.uploadBlob(data, { digest: sha256(data) })).toEqual({ digest: sha256(data), sizeInBytes: 5000 });
    expect(registry.requests.map((r) => `${r.method} ${r.bodyLength}`)).toEqual(["POST 0", "PUT 5000"]);
  });

  it("fails with DigestMismatchError when a given digest is wrong, and cancels the session", async () => {
    const { registry, client } = setup();
    const data = bytes(5000);
    const wrong = sha256(Buffer.from("other"));
    const failure = await client.uploadBlob(data, { digest: wrong }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DigestMismatchError);
    expect(failure).toMatchObject({ expectedDigest: wrong, actualDigest: sha256(data) });
    expect(registry.requests.at(-1)!.method).toBe("DELETE");
    expect(registry.uploads.size).toBe(0);
  });

  it("refuses a stream longer or shorter than its sizeInBytes, cancelling the session", async () => {
    for (const declared of [10, 30]) {
      const { registry, client } = setup();
      const failure = await client.uploadBlob(Readable.from([bytes(20)]), { sizeInBytes: declared }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RangeError);
      expect((failure as Error).message).toMatch(/sizeInBytes/);
      expect(registry.count("DELETE")).toBe(1);
      expect(registry.blobs.size).toBe(0);
    }
  });

  it("reports progress up to the total", async () => {
    const { client } = setup();
    const seen: Array<{ loadedBytes: number; totalBytes?: number }> = [];
    await client.uploadBlob(bytes(3 * MiB), { onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toEqual({ loadedBytes: 3 * MiB, totalBytes: 3 * MiB });
    expect(seen.every((p, i) => i === 0 || p.loadedBytes >= seen[i - 1]!.loadedBytes)).toBe(true);
  });

  it("turns a registry error into a RestError with the registry's code, after cancelling the session", async () => {
    const { registry, client } = setup();
    registry.handlers.push((request) => (request.method === "PATCH" ? error(400, "SIZE_INVALID", "no room") : undefined));
    const failure = await client.uploadBlob(bytes(10)).catch((e: unknown) => e);
    expect(isRestError(failure)).toBe(true);
    expect(failure).toMatchObject({ statusCode: 400, code: "SIZE_INVALID" });
    expect((failure as Error).message).toContain("no room");
    expect(registry.requests.map((r) => r.method)).toEqual(["POST", "PATCH", "DELETE"]);
  });

  it("refuses a registry error body as the success of an upload", async () => {
    const { registry, client } = setup();
    registry.handlers.push((request) => (request.method === "POST" ? error(401, "UNAUTHORIZED", "authentication required") : undefined));
    await expect(client.uploadBlob(Buffer.from("x"))).rejects.toMatchObject({ statusCode: 401, code: "UNAUTHORIZED" });
  });

  it("fails with DigestMismatchError when the registry confirms another digest", async () => {
    const { registry, client } = setup();
    const other = sha256(Buffer.from("other"));
    registry.handlers.push((request) => (request.method === "PUT" ? { status: 201, headers: { "docker-content-digest": other } } : undefined));
    const failure = await client.uploadBlob(bytes(10)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DigestMismatchError);
    expect(failure).toMatchObject({ expectedDigest: sha256(bytes(10)), actualDigest: other });
  });

  it("never sends a one-shot stream twice: a PATCH that failed after reading it fails the upload with UploadNotResumable, after asking where it stands, and cancels the session", async () => {
    const registry = new FakeRegistry();
    registry.handlers.push((request) => (request.method === "PATCH" ? error(503, "UNAVAILABLE") : undefined));
    const client = new ContainerRegistryContentClient(ENDPOINT, "library/test", { httpClient: registry, retryOptions: { maxRetries: 3, retryDelayInMs: 1 } });
    const failure = await client.uploadBlob(Readable.from([bytes(100)]), { sizeInBytes: 100 }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: "RestError", code: "UploadNotResumable" });
    expect((failure as Error).message).toContain("holds 0 of the 100 bytes already read from the stream");
    expect(registry.requests.map((r) => r.method)).toEqual(["POST", "PATCH", "GET", "DELETE"]);
  });
});

describe("uploadBlob: streams of unknown length", () => {
  it("sends chunks with Content-Range <start>-<end> and Content-Length", async () => {
    const { registry, client } = setup({}, { uploadChunkSizeInBytes: MiB });
    const data = bytes(2 * MiB + 10);
    expect(await client.uploadBlob(pieces(data, 100_000))).toEqual({ digest: sha256(data), sizeInBytes: data.length });
    const patches = registry.requests.filter((r) => r.method === "PATCH");
    expect(patches.map((r) => [r.headers["content-range"], r.headers["content-length"], r.bodyLength])).toEqual([
      [`0-${MiB - 1}`, String(MiB), MiB],
      [`${MiB}-${2 * MiB - 1}`, String(MiB), MiB],
      [`${2 * MiB}-${2 * MiB + 9}`, "10", 10],
    ]);
    expect(registry.requests.map((r) => r.method)).toEqual(["POST", "PATCH", "PATCH", "PATCH", "PUT"]);
  });

  it.each([
    ["one byte under", MiB - 1, 1],
    ["exactly", MiB, 1],
    ["one byte over", MiB + 1, 2],
  ])("round-trips a blob %s the chunk size", async (_, length, patchCount) => {
    const { registry, client } = setup({}, { uploadChunkSizeInBytes: MiB });
    const data = bytes(length, length);
    expect(await client.uploadBlob(Readable.from(pieces(data, 65_536)))).toEqual({ digest: sha256(data), sizeInBytes: length });
    expect(registry.count("PATCH")).toBe(patchCount);
    expect(registry.blobs.get(sha256(data))?.equals(data)).toBe(true);
  });

  it("sends a blob that fits in one chunk as a whole-body PATCH", async () => {
    const { registry, client } = setup();
    await client.uploadBlob(Readable.from([Buffer.from("small")]));
    const patch = registry.requests.find((r) => r.method === "PATCH")!;
    expect(patch.headers["content-range"]).toBeUndefined();
    expect(patch.headers["content-length"]).toBe("5");
  });

  it("honours OCI-Chunk-Min-Length when it is larger than the chunk size", async () => {
    const { registry, client } = setup({ chunkMinLength: 3 * MiB }, { uploadChunkSizeInBytes: MiB });
    const data = bytes(7 * MiB);
    await client.uploadBlob(pieces(data, MiB));
    expect(registry.requests.filter((r) => r.method === "PATCH").map((r) => r.bodyLength)).toEqual([3 * MiB, 3 * MiB, MiB]);
  });

  it("tolerates a registry that answers 201 to a PATCH, with absolute Locations", async () => {
    const { registry, client } = setup({ patchStatus: 201, absoluteLocations: true }, { uploadChunkSizeInBytes: MiB });
    const data = bytes(2 * MiB + 1);
    expect((await client.uploadBlob(pieces(data, MiB))).digest).toBe(sha256(data));
    expect(registry.count("PATCH")).toBe(3);
  });

  it("accepts web ReadableStreams and Node streams in object mode", async () => {
    const { client } = setup();
    const data = bytes(300_000);
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(data.subarray(0, 1000));
        controller.enqueue(data.subarray(1000));
        controller.close();
      },
    });
    expect((await client.uploadBlob(web)).digest).toBe(sha256(data));
    expect((await client.uploadBlob(Readable.from([data.subarray(0, 5), data.subarray(5)]))).digest).toBe(sha256(data));
  });

  it("cancels the session when the source fails mid-way, with the source's error", async () => {
    const { registry, client } = setup({}, { uploadChunkSizeInBytes: MiB });
    async function* failing(): AsyncGenerator<Buffer> {
      yield bytes(MiB + 5);
      throw new Error("disk on fire");
    }
    await expect(client.uploadBlob(failing())).rejects.toThrow("disk on fire");
    expect(registry.requests.map((r) => r.method)).toEqual(["POST", "PATCH", "DELETE"]);
    expect(registry.uploads.size).toBe(0);
  });

  it("aborts while waiting on a stalled source, and cancels the session", async () => {
    const { registry, client } = setup();
    const controller = new AbortController();
    const stalled = new Readable({ read() {} });
    stalled.push(Buffer.from("partial"));
    const upload = client.uploadBlob(stalled, { abortSignal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(upload).rejects.toBeInstanceOf(AbortError);
    expect(registry.requests.map((r) => r.method)).toEqual(["POST", "DELETE"]);
    expect(stalled.destroyed).toBe(true);
  });
});

describe("uploadBlob: input checks", () => {
  it("refuses bad input, a missing file included, before any request", async () => {
    const { registry, client } = setup();
    await expect(client.uploadBlob(42 as never)).rejects.toThrow(TypeError);
    await expect(client.uploadBlob(Buffer.from("x"), { sizeInBytes: -1 })).rejects.toThrow(RangeError);
    await expect(client.uploadBlob(Buffer.from("x"), { digest: "sha256:nothex" })).rejects.toThrow(RangeError);
    // A string is a path: a missing one says so, and how to upload text instead.
    const missing = client.uploadBlob("some text");
    await expect(missing).rejects.toThrow(RangeError);
    await expect(missing).rejects.toThrow(/string, which uploadBlob reads as a file path, and there is no file at "some text".*Buffer\.from\(text\)/);
    expect(registry.requests).toHaveLength(0);
  });
});
