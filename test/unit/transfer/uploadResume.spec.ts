// The upload engine's retry and resume policy against the in-process fake registry: which failures
// are resumed, from where, in which session, how long it waits, and when it gives up.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { PipelineRequest } from "@azure/core-rest-pipeline";
import { ContainerRegistryContentClient, isRestError, type ContainerRegistryContentClientOptions } from "../../../src/index.js";
import { ENDPOINT, error, FakeRegistry, sha256, type Reply } from "../fakes/fakeRegistry.js";

const MiB = 1024 * 1024;

function bytes(length: number, seed = 3): Buffer {
  const buffer = Buffer.alloc(length);
  for (let i = 0; i < length; i++) buffer[i] = (i * 131 + seed) & 0xff;
  return buffer;
}

function setup(clientOptions: ContainerRegistryContentClientOptions = {}) {
  const registry = new FakeRegistry();
  const client = new ContainerRegistryContentClient(ENDPOINT, "library/test", {
    httpClient: registry,
    retryOptions: { maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 5 },
    ...clientOptions,
  });
  return { registry, client };
}

const sessionId = (url: string): string => /\/uploads\/(u\d+)/.exec(url)?.[1] ?? "";
const methods = (registry: FakeRegistry): string[] => registry.requests.map((r) => r.method);

/** Answers the first `times` requests that `match` with `reply` (which may act on the fake's state first). */
function failFirst(registry: FakeRegistry, match: (request: PipelineRequest) => boolean, reply: (request: PipelineRequest, body: Buffer) => Reply, times = 1): void {
  let left = times;
  registry.handlers.push((request, body) => (left > 0 && match(request) ? (left--, reply(request, body)) : undefined));
}

const isPatch = (request: PipelineRequest): boolean => request.method === "PATCH";

describe("uploadBlob resumes a failed PATCH where the registry stands", () => {
  it("a Buffer whose PATCH got a 503 goes again in the same session, from the offset GET reports: POST, PATCH, GET, PATCH, PUT", async () => {
    const { registry, client } = setup();
    failFirst(registry, isPatch, () => error(503, "UNAVAILABLE"));
    const data = bytes(3 * MiB);
    expect(await client.uploadBlob(data)).toEqual({ digest: sha256(data), sizeInBytes: data.length });
    expect(methods(registry)).toEqual(["POST", "PATCH", "GET", "PATCH", "PUT"]);
    expect(new Set(registry.requests.map((r) => sessionId(r.url)))).toEqual(new Set(["", "u1"]));
    expect(registry.requests[3]!.headers["content-range"]).toBeUndefined();
    expect(registry.blobs.get(sha256(data))?.equals(data)).toBe(true);
  });

  it("a file whose PATCH failed after the registry stored part of it goes on from that byte, with Content-Range, and hashes to its digest", async () => {
    const { registry, client } = setup();
    const data = bytes(2 * MiB + 7);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "upload-resume-")), "blob");
    writeFileSync(file, data);
    failFirst(registry, isPatch, (request) => {
      registry.uploads.set(sessionId(request.url), data.subarray(0, 1_000_000));
      return error(500, "UNKNOWN");
    });
    expect(await client.uploadBlob(file)).toEqual({ digest: sha256(data), sizeInBytes: data.length });
    const resumed = registry.requests[3]!;
    expect([resumed.method, resumed.headers["content-range"], resumed.bodyLength]).toEqual(["PATCH", `1000000-${data.length - 1}`, data.length - 1_000_000]);
    expect(registry.blobs.get(sha256(data))?.equals(data)).toBe(true);
  });

  it("a session the registry lost is cancelled, and the upload starts again in a new one", async () => {
    const { registry, client } = setup();
    failFirst(registry, isPatch, (request) => {
      registry.uploads.delete(sessionId(request.url));
      return error(404, "BLOB_UPLOAD_UNKNOWN");
    });
    const data = bytes(MiB);
    expect((await client.uploadBlob(data)).digest).toBe(sha256(data));
    expect(methods(registry)).toEqual(["POST", "PATCH", "GET", "DELETE", "POST", "PATCH", "PUT"]);
    expect(registry.requests.filter((r) => r.method === "DELETE").map((r) => sessionId(r.url))).toEqual(["u1"]);
    expect(sessionId(registry.requests[5]!.url)).toBe("u2");
  });

  it("gives up after maxRetries failures in a row with the last failure, having cancelled every session it opened", async () => {
    const { registry, client } = setup({ retryOptions: { maxRetries: 2, retryDelayInMs: 1 } });
    failFirst(registry, isPatch, (request) => {
      registry.uploads.delete(sessionId(request.url));
      return error(404, "BLOB_UPLOAD_UNKNOWN");
    }, 100);
    const failure = await client.uploadBlob(bytes(1000)).catch((e: unknown) => e);
    expect(failure).toMatchObject({ statusCode: 404, code: "BLOB_UPLOAD_UNKNOWN" });
    expect(registry.count("PATCH")).toBe(3);
    const opened = registry.requests.filter((r) => r.method === "PATCH").map((r) => sessionId(r.url));
    const cancelled = registry.requests.filter((r) => r.method === "DELETE").map((r) => sessionId(r.url));
    expect(opened).toEqual(["u1", "u2", "u3"]);
    expect(cancelled).toEqual(opened);
  });

  it("waits what a 429's Retry-After asks for before the next attempt", async () => {
    const { registry, client } = setup({ retryOptions: { maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 2000 } });
    const patchTimes: number[] = [];
    registry.handlers.push((request) => (isPatch(request) ? (patchTimes.push(performance.now()), undefined) : undefined));
    failFirst(registry, isPatch, () => ({ ...error(429, "TOOMANYREQUESTS"), headers: { "content-type": "application/json", "retry-after-ms": "250" } }));
    await client.uploadBlob(bytes(5000));
    expect(patchTimes).toHaveLength(2);
    expect(patchTimes[1]! - patchTimes[0]!).toBeGreaterThanOrEqual(245);
  });

  it("fails at once with the 429 when its Retry-After asks for more than maxRetryDelayInMs, cancelling the session", async () => {
    const { registry, client } = setup({ retryOptions: { maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 1000 } });
    failFirst(registry, isPatch, () => ({ ...error(429, "TOOMANYREQUESTS"), headers: { "content-type": "application/json", "retry-after": "3600" } }));
    const failure = await client.uploadBlob(bytes(5000)).catch((e: unknown) => e);
    expect(failure).toMatchObject({ statusCode: 429 });
    expect(methods(registry)).toEqual(["POST", "PATCH", "DELETE"]);
  });

  it("does not retry what asking again will not change (400 SIZE_INVALID): POST, PATCH, DELETE", async () => {
    const { registry, client } = setup();
    failFirst(registry, isPatch, () => error(400, "SIZE_INVALID", "no room"));
    const failure = await client.uploadBlob(bytes(10)).catch((e: unknown) => e);
    expect(isRestError(failure) && failure.code).toBe("SIZE_INVALID");
    expect(methods(registry)).toEqual(["POST", "PATCH", "DELETE"]);
  });

  it("resumes the monolithic PUT ?digest= with a PATCH and a bodiless PUT when it failed", async () => {
    const { registry, client } = setup();
    const data = bytes(4000);
    failFirst(registry, (request) => request.method === "PUT", () => error(503, "UNAVAILABLE"));
    expect(await client.uploadBlob(data, { digest: sha256(data) })).toEqual({ digest: sha256(data), sizeInBytes: 4000 });
    expect(registry.requests.map((r) => `${r.method} ${r.bodyLength}`)).toEqual(["POST 0", "PUT 4000", "GET 0", "PATCH 4000", "PUT 0"]);
  });

  it("takes a blob found stored after its completion failed (the answer was lost) as uploaded", async () => {
    const { registry, client } = setup({ retryOptions: { maxRetries: 1, retryDelayInMs: 1 } });
    const data = bytes(3000);
    failFirst(registry, (request) => request.method === "PUT", (request) => {
      // The registry completes the upload; its answer does not arrive.
      registry.blobs.set(sha256(data), data);
      registry.uploads.delete(sessionId(request.url));
      return error(500, "UNKNOWN");
    });
    expect(await client.uploadBlob(data)).toEqual({ digest: sha256(data), sizeInBytes: 3000 });
    // The pipeline retried the PUT (404: the session is done), then the engine found the blob.
    expect(methods(registry)).toEqual(["POST", "PATCH", "PUT", "PUT", "HEAD", "DELETE"]);
  });
});

describe("uploadBlob of streams: resumed only from bytes it still has", () => {
  async function* pieces(data: Buffer, size: number): AsyncGenerator<Buffer> {
    for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
  }

  it("a stream of unknown length re-sends the chunk in memory from the offset the registry holds", async () => {
    const { registry, client } = setup({ uploadChunkSizeInBytes: MiB });
    const data = bytes(3 * MiB + 11);
    let patches = 0;
    registry.handlers.push((request, body) => {
      if (!isPatch(request) || ++patches !== 2) return undefined;
      registry.uploads.set(sessionId(request.url), Buffer.concat([registry.uploads.get(sessionId(request.url))!, body.subarray(0, 300_000)]));
      return error(500, "UNKNOWN");
    });
    expect(await client.uploadBlob(pieces(data, 100_000))).toEqual({ digest: sha256(data), sizeInBytes: data.length });
    const ranges = registry.requests.filter((r) => r.method === "PATCH").map((r) => r.headers["content-range"]);
    expect(ranges).toEqual([`0-${MiB - 1}`, `${MiB}-${2 * MiB - 1}`, `${MiB + 300_000}-${2 * MiB - 1}`, `${2 * MiB}-${3 * MiB - 1}`, `${3 * MiB}-${3 * MiB + 10}`]);
    expect(registry.blobs.get(sha256(data))?.equals(data)).toBe(true);
  });

  it("a stream of unknown length whose session was lost after its first chunk fails with UploadNotResumable", async () => {
    const { registry, client } = setup({ uploadChunkSizeInBytes: MiB });
    let patches = 0;
    registry.handlers.push((request) => {
      if (!isPatch(request) || ++patches !== 2) return undefined;
      registry.uploads.delete(sessionId(request.url));
      return error(404, "BLOB_UPLOAD_UNKNOWN");
    });
    const failure = await client.uploadBlob(pieces(bytes(2 * MiB + 1), MiB)).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "UploadNotResumable" });
    expect((failure as Error).message).toContain("earlier chunks of the stream cannot be read again");
  });

  it("a stream of known length whose PATCH answer was lost after the registry stored it all completes without sending a byte again", async () => {
    const { registry, client } = setup();
    const data = bytes(200_000);
    failFirst(registry, isPatch, (request, body) => {
      registry.uploads.set(sessionId(request.url), body);
      return error(500, "UNKNOWN");
    });
    expect((await client.uploadBlob(Readable.from(pieces(data, 50_000)), { sizeInBytes: data.length })).digest).toBe(sha256(data));
    expect(registry.requests.map((r) => `${r.method} ${r.bodyLength}`)).toEqual(["POST 0", "PATCH 200000", "GET 0", "PUT 0"]);
  });
});
