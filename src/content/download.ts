import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import { isRestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import { delay } from "@azure/core-util";
import { Readable } from "node:stream";
import { logger } from "../logger.js";
import { restErrorFromResponse } from "../utils/errors.js";
import { Digester } from "./digest.js";
import { DigestMismatchError } from "./errors.js";
import type { BlobTransferProgress } from "./models.js";

/** A response body positioned in a blob: `skip` leading bytes are ones the reader already has. */
export interface OpenedBlob {
  body: NodeJS.ReadableStream;
  skip: number;
  /** The blob's full size, when the response tells it. */
  totalBytes?: number;
}

/** Opens the blob at a byte offset (a `Range` request when the offset is not 0). */
export type BlobOpener = (offset: number, abortSignal?: AbortSignalLike) => Promise<OpenedBlob>;

/** What a download needs to verify its bytes and resume a dropped connection. */
export interface BlobDownloadOptions {
  expectedDigest: string;
  open: BlobOpener;
  maxResumeAttempts: number;
  /** First pause before a resume; doubled on each further consecutive attempt. */
  resumeDelayInMs: number;
  abortSignal?: AbortSignalLike;
  onProgress?: (progress: BlobTransferProgress) => void;
}

const HIGH_WATER_MARK = 1024 * 1024;
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

/** Reads where a (possibly ranged) blob response starts and what it says of the blob's size. */
export function positionOf(response: PipelineResponse, offset: number): OpenedBlob {
  const body = response.readableStreamBody;
  if ((response.status !== 200 && response.status !== 206) || !body) {
    throw restErrorFromResponse(response);
  }
  const length = Number(response.headers.get("content-length") ?? NaN);
  if (response.status === 200) {
    // The server ignored the Range: the bytes already delivered are skipped, not delivered again.
    return { body, skip: offset, totalBytes: Number.isSafeInteger(length) ? length : undefined };
  }
  const match = CONTENT_RANGE.exec(response.headers.get("content-range") ?? "");
  const start = match ? Number(match[1]) : NaN;
  if (!(start <= offset)) {
    body.resume();
    throw new Error(`Cannot resume the download at byte ${offset}: the registry answered with Content-Range "${response.headers.get("content-range") ?? ""}"`);
  }
  return { body, skip: offset - start, totalBytes: match![3] === "*" ? undefined : Number(match![3]) };
}

/** 4xx answers other than timeouts and throttling will not change by asking again. */
function isPermanent(error: unknown): boolean {
  const status = isRestError(error) ? error.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * Where a blob download stands, whatever carries its bytes (a stream or a file): it hashes the
 * bytes as they pass, skips those a resumed response repeats, counts progress, and reopens the blob
 * after a dropped connection, up to `maxResumeAttempts` times in a row without progress, with a
 * growing pause.
 */
export class BlobDownload {
  private readonly digester: Digester;
  private skip: number;
  private failures = 0;
  /** Bytes delivered so far: where a resume starts. */
  offset = 0;
  /** Size of the blob when a response told it. */
  totalBytes?: number;

  constructor(
    private readonly options: BlobDownloadOptions,
    first: OpenedBlob,
  ) {
    this.digester = new Digester(options.expectedDigest);
    this.skip = first.skip;
    this.totalBytes = first.totalBytes;
  }

  /**
   * Takes the next bytes of the current response body and returns those to deliver (possibly
   * none): the ones past what was delivered before, hashed and counted.
   */
  accept(chunk: Buffer): Buffer {
    const skipped = Math.min(this.skip, chunk.length);
    this.skip -= skipped;
    const bytes = skipped > 0 ? chunk.subarray(skipped) : chunk;
    // Only new bytes are progress: an empty chunk must not reset the count of resume attempts.
    if (bytes.length === 0) return bytes;
    this.digester.update(bytes);
    this.offset += bytes.length;
    this.failures = 0;
    this.options.onProgress?.({ loadedBytes: this.offset, totalBytes: this.totalBytes });
    return bytes;
  }

  /** After a body ended: an error when it ended before the blob's announced size (the connection dropped). */
  shortfall(): Error | undefined {
    if (this.totalBytes !== undefined && this.offset < this.totalBytes) {
      return new Error(`The connection ended after ${this.offset} of ${this.totalBytes} bytes`);
    }
    return undefined;
  }

  /** After the whole blob passed: a DigestMismatchError when its bytes do not hash to the digest. */
  verify(): DigestMismatchError | undefined {
    const actual = this.digester.digest();
    const expected = this.options.expectedDigest;
    if (actual === expected.toLowerCase()) return undefined;
    return new DigestMismatchError(`The downloaded blob does not match its digest: expected ${expected}, got ${actual}`, expected, actual);
  }

  /**
   * Reopens the blob where the delivered bytes end, after the connection dropped with `cause`.
   * Rejects with `cause` once the attempts are spent, with an AbortError when aborted, and with
   * an opening failure that asking again will not change (a 4xx other than 408 and 429).
   */
  async resume(cause: Error): Promise<OpenedBlob> {
    const { abortSignal } = this.options;
    for (;;) {
      if (abortSignal?.aborted) throw new AbortError("The download was aborted.");
      if (this.failures >= this.options.maxResumeAttempts) throw cause;
      this.failures += 1;
      const wait = this.options.resumeDelayInMs * 2 ** (this.failures - 1);
      logger.info(`Blob download interrupted at byte ${this.offset} (${cause.message}); resuming in ${wait} ms (attempt ${this.failures})`);
      await delay(wait, { abortSignal });
      try {
        const opened = await this.options.open(this.offset, abortSignal);
        this.skip = opened.skip;
        this.totalBytes ??= opened.totalBytes;
        return opened;
      } catch (error) {
        if (isPermanent(error) || abortSignal?.aborted) throw error;
        cause = error as Error;
      }
    }
  }
}

/**
 * The content stream of a blob download. It hashes bytes as they pass and, at the end, either
 * ends (the digest matched) or fails with a DigestMismatchError. A dropped connection is resumed
 * (see {@link BlobDownload}), so the consumer sees every byte exactly once. It reads from the
 * network only as fast as its consumer reads from it.
 */
export class VerifyingBlobStream extends Readable {
  private readonly download: BlobDownload;
  private body?: NodeJS.ReadableStream;
  private resuming = false;
  private readonly onAbort = (): void => {
    this.destroy(new AbortError("The download was aborted."));
  };

  constructor(
    private readonly options: BlobDownloadOptions,
    first: OpenedBlob,
  ) {
    super({ highWaterMark: HIGH_WATER_MARK });
    this.download = new BlobDownload(options, first);
    options.abortSignal?.addEventListener("abort", this.onAbort);
    this.attach(first.body);
  }

  /** Size of the blob when known. */
  get sizeInBytes(): number | undefined {
    return this.download.totalBytes;
  }

  override _read(): void {
    this.body?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.options.abortSignal?.removeEventListener("abort", this.onAbort);
    this.detach(true);
    callback(error);
  }

  private attach(body: NodeJS.ReadableStream): void {
    this.body = body;
    body.on("data", this.onData);
    body.on("end", this.onEnd);
    body.on("error", this.onBodyError);
    body.on("close", this.onClose);
  }

  private detach(destroy: boolean): void {
    const body = this.body;
    if (!body) return;
    this.body = undefined;
    body.off("data", this.onData);
    body.off("end", this.onEnd);
    body.off("error", this.onBodyError);
    body.off("close", this.onClose);
    // A late error from a dropped body must not become an uncaught exception.
    body.on("error", () => undefined);
    if (destroy) (body as Partial<Readable>).destroy?.();
  }

  private readonly onData = (chunk: Buffer): void => {
    const bytes = this.download.accept(chunk);
    if (bytes.length > 0 && !this.push(bytes)) this.body?.pause();
  };

  private readonly onEnd = (): void => {
    this.detach(false);
    const shortfall = this.download.shortfall();
    if (shortfall) {
      this.resumeAfterDrop(shortfall);
      return;
    }
    const mismatch = this.download.verify();
    if (mismatch) this.destroy(mismatch);
    else this.push(null);
  };

  private readonly onBodyError = (error: Error): void => {
    this.detach(true);
    this.resumeAfterDrop(error);
  };

  /** A body closed without `end` or `error` (a socket gone quietly) is a dropped connection too. */
  private readonly onClose = (): void => {
    if (this.body) this.onBodyError(new Error("The connection closed before the blob was complete"));
  };

  private resumeAfterDrop(cause: Error): void {
    if (this.destroyed || this.resuming) return;
    this.resuming = true;
    this.download.resume(cause).then(
      (opened) => {
        this.resuming = false;
        if (this.destroyed) {
          (opened.body as Partial<Readable>).destroy?.();
          return;
        }
        this.attach(opened.body);
        if (this.readableFlowing === false && this.readableLength >= this.readableHighWaterMark) this.body?.pause();
      },
      (error: unknown) => {
        this.resuming = false;
        this.destroy(error as Error);
      },
    );
  }
}
