import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { AbortError } from "@azure/abort-controller";
import { RestError } from "@azure/core-rest-pipeline";
import type { BlobOpener, OpenedBlob } from "../../../src/transfer/openedBlob.js";
import { VerifyingBlobStream } from "../../../src/transfer/verifyingBlobStream.js";
import { DigestMismatchError } from "../../../src/index.js";
import { readAll, sha256 } from "../fakes/fakeRegistry.js";

const blob = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff));
const digest = sha256(blob);

/** A body that delivers `bytes` in pieces, then ends or fails. */
function body(bytes: Buffer, failAfter?: number): Readable {
  const end = failAfter ?? bytes.length;
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= end) {
        if (failAfter !== undefined) this.destroy(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
        else this.push(null);
        return;
      }
      const next = Math.min(end, offset + 16_384);
      this.push(bytes.subarray(offset, next));
      offset = next;
    },
  });
}

function stream(first: OpenedBlob, open: BlobOpener, extra: Partial<ConstructorParameters<typeof VerifyingBlobStream>[0]> = {}) {
  return new VerifyingBlobStream({ expectedDigest: digest, open, maxResumeAttempts: 3, resumeDelayInMs: 1, idleTimeoutInMs: 0, ...extra }, first);
}

const neverOpen: BlobOpener = () => Promise.reject(new Error("no resume expected"));

describe("VerifyingBlobStream", () => {
  it("delivers the blob and ends when the digest matches", async () => {
    const progress: number[] = [];
    const content = stream({ body: body(blob), skip: 0, totalBytes: blob.length }, neverOpen, { onProgress: (p) => progress.push(p.loadedBytes) });
    expect((await readAll(content)).equals(blob)).toBe(true);
    expect(progress.at(-1)).toBe(blob.length);
  });

  it("reports tampered content as the stream's error event, not as end", async () => {
    const tampered = Buffer.from(blob);
    tampered[1234] ^= 1;
    const content = stream({ body: body(tampered), skip: 0, totalBytes: blob.length }, neverOpen);
    const error = await new Promise<Error>((resolve, reject) => {
      content.on("error", resolve);
      content.on("end", () => reject(new Error("ended")));
      content.resume();
    });
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(error).toMatchObject({ expectedDigest: digest, actualDigest: sha256(tampered) });
  });

  it("resumes a dropped connection from the next byte, without delivering a byte twice", async () => {
    const offsets: number[] = [];
    const open: BlobOpener = async (offset) => {
      offsets.push(offset);
      return { body: body(blob.subarray(offset), offsets.length === 1 ? 50_000 : undefined), skip: 0, totalBytes: blob.length };
    };
    const content = stream({ body: body(blob, 70_000), skip: 0, totalBytes: blob.length }, open);
    expect((await readAll(content)).equals(blob)).toBe(true);
    expect(offsets).toEqual([70_000, 120_000]);
  });

  it("skips what it already has when a server ignores the Range and sends the whole blob", async () => {
    const open: BlobOpener = async (offset) => ({ body: body(blob), skip: offset, totalBytes: blob.length });
    const content = stream({ body: body(blob, 100_001), skip: 0, totalBytes: blob.length }, open);
    expect((await readAll(content)).equals(blob)).toBe(true);
  });

  it("treats a body that ends before Content-Length as dropped", async () => {
    let resumedAt = -1;
    const open: BlobOpener = async (offset) => {
      resumedAt = offset;
      return { body: body(blob.subarray(offset)), skip: 0 };
    };
    const content = stream({ body: body(blob.subarray(0, 1000)), skip: 0, totalBytes: blob.length }, open);
    expect((await readAll(content)).equals(blob)).toBe(true);
    expect(resumedAt).toBe(1000);
  });

  it("gives up after maxResumeAttempts consecutive failures without progress", async () => {
    let attempts = 0;
    const open: BlobOpener = async () => {
      attempts++;
      throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    };
    const content = stream({ body: body(blob, 10), skip: 0, totalBytes: blob.length }, open, { maxResumeAttempts: 2 });
    await expect(readAll(content)).rejects.toThrow("ECONNREFUSED");
    expect(attempts).toBe(2);
  });

  it("does not count an empty chunk as progress: resumes stay bounded", async () => {
    let attempts = 0;
    const emptyThenReset = (): Readable =>
      Readable.from(
        (async function* () {
          yield Buffer.alloc(0);
          throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        })(),
      );
    const open: BlobOpener = async () => {
      attempts++;
      return { body: emptyThenReset(), skip: 0, totalBytes: blob.length };
    };
    const content = stream({ body: emptyThenReset(), skip: 0, totalBytes: blob.length }, open, { maxResumeAttempts: 2 });
    await expect(readAll(content)).rejects.toThrow("socket hang up");
    expect(attempts).toBe(2);
  });

  it("does not retry answers that will not change (a 404 on resume)", async () => {
    let attempts = 0;
    const open: BlobOpener = async () => {
      attempts++;
      throw new RestError("blob unknown", { statusCode: 404 });
    };
    const content = stream({ body: body(blob, 10), skip: 0, totalBytes: blob.length }, open);
    await expect(readAll(content)).rejects.toMatchObject({ statusCode: 404 });
    expect(attempts).toBe(1);
  });

  it("reads only as fast as its consumer", async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 65_536;
        this.push(Buffer.alloc(65_536));
      },
    });
    const content = stream({ body: endless, skip: 0 }, neverOpen);
    content.once("data", () => content.pause());
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The content stream's buffer (1 MiB) plus the body's own: nowhere near unbounded.
    expect(produced).toBeLessThan(4 * 1024 * 1024);
    content.destroy();
    expect(endless.destroyed).toBe(true);
  });

  it("fails with AbortError when aborted mid-stream, and releases the connection", async () => {
    const controller = new AbortController();
    const slow = new Readable({ read() {} });
    slow.push(blob.subarray(0, 1000));
    const content = stream({ body: slow, skip: 0, totalBytes: blob.length }, neverOpen, { abortSignal: controller.signal });
    const failure = readAll(content).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    expect(await failure).toBeInstanceOf(AbortError);
    expect(slow.destroyed).toBe(true);
  });
});
