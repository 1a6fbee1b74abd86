// Resumable uploads against the emulator (whose sessions survive a cut request, as the OCI spec
// allows) through the fault proxy: what each fault costs in requests and in bytes sent again.
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bytes, isPatch, MiB, readAll, sessionOf, sha256, startFaultyEmulator, type FaultyEmulator } from "./support.js";

describe("resumable uploads: the emulator through the fault proxy", () => {
  let fixture: FaultyEmulator;
  beforeAll(async () => {
    fixture = await startFaultyEmulator();
  });
  afterAll(() => fixture?.stop());
  afterEach(() => fixture.proxy.clearFaults());

  async function expectStored(repository: string, data: Buffer): Promise<void> {
    const { content } = await fixture.client(repository).downloadBlob(sha256(data));
    expect((await readAll(content)).equals(data)).toBe(true);
  }

  const fileWith = (data: Buffer): string => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "resumable-upload-")), "blob");
    writeFileSync(file, data);
    return file;
  };

  it.each([
    ["a Buffer", (data: Buffer) => data],
    ["a file", fileWith],
  ])("%s whose PATCH is cut mid-body resumes in the same session from the byte the emulator holds, sending again only what was in flight", async (_, content) => {
    const repository = `resume/cut-${_.replace(/\W/g, "").toLowerCase()}`;
    const data = bytes(4 * MiB, 1);
    fixture.proxy.addFault({ match: isPatch, fault: { kind: "reset-request", atByte: 1_500_000 } });
    expect(await fixture.client(repository).uploadBlob(content(data))).toEqual({ digest: sha256(data), sizeInBytes: data.length });
    await fixture.proxy.settled();
    const requests = fixture.requestsOf(repository);
    expect(requests.map((r) => r.method)).toEqual(["POST", "PATCH", "GET", "PATCH", "PUT"]);
    expect(new Set(requests.slice(1).map(sessionOf)).size).toBe(1);
    const [cut, resumed] = [requests[1]!, requests[3]!];
    expect(cut.forwardedBytes).toBe(1_500_000);
    expect(resumed.headers["content-range"]).toBe(`1500000-${data.length - 1}`);
    // Sent twice: what the client had sent past the cut when the connection died, and nothing more.
    expect(cut.requestBytes + resumed.requestBytes - data.length).toBe(cut.requestBytes - cut.forwardedBytes);
    await expectStored(repository, data);
  });

  it("a 503 answered before the PATCH body is read stops the body at once, and the same session goes on from byte 0", async () => {
    const repository = "resume/refused";
    const data = bytes(16 * MiB, 2);
    fixture.proxy.addFault({ match: isPatch, fault: { kind: "error-before", status: 503 } });
    await fixture.client(repository).uploadBlob(data);
    await fixture.proxy.settled();
    const requests = fixture.requestsOf(repository);
    expect(requests.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 202", "PATCH 503", "GET 204", "PATCH 202", "PUT 201"]);
    expect(requests[1]!.requestBytes).toBeLessThan(data.length);
    expect(sessionOf(requests[3]!)).toBe(sessionOf(requests[1]!));
  });

  it("a 429 with Retry-After: 1 is waited for before the PATCH goes again", async () => {
    const repository = "resume/throttled";
    fixture.proxy.addFault({ match: isPatch, fault: { kind: "throttle", retryAfter: 1 } });
    const started = performance.now();
    await fixture.client(repository, { retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 2000 } }).uploadBlob(bytes(MiB, 3));
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fixture.requestsOf(repository).map((r) => `${r.method} ${r.status}`)).toEqual(["POST 202", "PATCH 429", "GET 204", "PATCH 202", "PUT 201"]);
  });

  it("a 500 after the emulator stored the whole PATCH: GET shows every byte, a bodiless PUT completes, and the blob went up once", async () => {
    const repository = "resume/lost-answer";
    const data = bytes(3 * MiB, 4);
    fixture.proxy.addFault({ match: isPatch, fault: { kind: "error-after", status: 500 } });
    await fixture.client(repository).uploadBlob(data);
    await fixture.proxy.settled();
    expect(fixture.requestsOf(repository).map((r) => `${r.method} ${r.status}`)).toEqual(["POST 202", "PATCH 500", "GET 204", "PUT 201"]);
    expect(fixture.proxy.bytesUploaded((r) => r.path.startsWith(`/v2/${repository}/`))).toBe(data.length);
    await expectStored(repository, data);
  });

  it("a one-shot stream cut mid-body fails with UploadNotResumable naming the bytes held; its session is cancelled and the stream destroyed", async () => {
    const repository = "resume/one-shot";
    const data = bytes(4 * MiB, 5);
    const source = Readable.from((function* () {
      for (let offset = 0; offset < data.length; offset += 256 * 1024) yield data.subarray(offset, offset + 256 * 1024);
    })());
    fixture.proxy.addFault({ match: isPatch, fault: { kind: "reset-request", atByte: MiB } });
    const failure = await fixture.client(repository).uploadBlob(source, { sizeInBytes: data.length }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: "RestError", code: "UploadNotResumable" });
    expect((failure as Error).message).toMatch(/the registry holds 1048576 of the \d+ bytes already read from the stream/);
    await fixture.proxy.settled();
    expect(fixture.requestsOf(repository).map((r) => `${r.method} ${r.status}`)).toEqual(["POST 202", "PATCH undefined", "GET 204", "DELETE 204"]);
    expect(source.destroyed).toBe(true);
  });

  it("a stream of unknown length cut in its second chunk resumes within that chunk, from the byte the emulator holds", async () => {
    const repository = "resume/chunks";
    const data = bytes(3 * MiB + 100, 6);
    let patches = 0;
    fixture.proxy.addFault({ match: (request) => isPatch(request) && ++patches === 2, fault: { kind: "reset-request", atByte: 400_000 } });
    const source = Readable.from([data.subarray(0, MiB + 5), data.subarray(MiB + 5)]);
    const client = fixture.client(repository, { uploadChunkSizeInBytes: MiB });
    expect(await client.uploadBlob(source)).toEqual({ digest: sha256(data), sizeInBytes: data.length });
    const ranges = fixture.requestsOf(repository).filter(isPatch).map((r) => r.headers["content-range"]);
    expect(ranges).toEqual([`0-${MiB - 1}`, `${MiB}-${2 * MiB - 1}`, `${MiB + 400_000}-${2 * MiB - 1}`, `${2 * MiB}-${3 * MiB - 1}`, `${3 * MiB}-${3 * MiB + 99}`]);
    await expectStored(repository, data);
  });

  it("the two-request upload (digest given) cut mid-PUT goes on with a PATCH from the byte held and a bodiless PUT", async () => {
    const repository = "resume/monolithic";
    const data = bytes(2 * MiB, 7);
    fixture.proxy.addFault({ match: ({ method }) => method === "PUT", fault: { kind: "reset-request", atByte: 700_000 } });
    expect(await fixture.client(repository).uploadBlob(data, { digest: sha256(data) })).toEqual({ digest: sha256(data), sizeInBytes: data.length });
    const requests = fixture.requestsOf(repository);
    expect(requests.map((r) => r.method)).toEqual(["POST", "PUT", "GET", "PATCH", "PUT"]);
    expect(requests[3]!.headers["content-range"]).toBe(`700000-${data.length - 1}`);
    await expectStored(repository, data);
  });
});
