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

interface VerifyingStreamOptions {
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
 * The content stream of a blob download. It hashes bytes as they pass and, at the end, either
 * ends (the digest matched) or fails with a DigestMismatchError. A connection that drops is
 * resumed from the next byte with a `Range` request, up to `maxResumeAttempts` times in a row
 * without progress, so the consumer sees every byte exactly once. It reads from the network only
 * as fast as its consumer reads from it.
 */
export class VerifyingBlobStream extends Readable {
  private readonly digester: Digester;
  private body?: NodeJS.ReadableStream;
  private skip = 0;
  private offset = 0;
  private totalBytes?: number;
  private failures = 0;
  private resuming = false;
  private readonly onAbort = (): void => {
    this.destroy(new AbortError("The download was aborted."));
  };

  constructor(
    private readonly options: VerifyingStreamOptions,
    first: OpenedBlob,
  ) {
    super({ highWaterMark: HIGH_WATER_MARK });
    this.digester = new Digester(options.expectedDigest);
    this.totalBytes = first.totalBytes;
    options.abortSignal?.addEventListener("abort", this.onAbort);
    this.attach(first);
  }

  /** Size of the blob when known. */
  get sizeInBytes(): number | undefined {
    return this.totalBytes;
  }

  override _read(): void {
    this.body?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.options.abortSignal?.removeEventListener("abort", this.onAbort);
    this.detach(true);
    callback(error);
  }

  private attach(opened: OpenedBlob): void {
    this.body = opened.body;
    this.skip = opened.skip;
    this.totalBytes ??= opened.totalBytes;
    opened.body.on("data", this.onData);
    opened.body.on("end", this.onEnd);
    opened.body.on("error", this.onBodyError);
    opened.body.on("close", this.onClose);
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
    let bytes = chunk;
    if (this.skip > 0) {
      if (bytes.length <= this.skip) {
        this.skip -= bytes.length;
        return;
      }
      bytes = bytes.subarray(this.skip);
      this.skip = 0;
    }
    this.digester.update(bytes);
    this.offset += bytes.length;
    this.failures = 0;
    this.options.onProgress?.({ loadedBytes: this.offset, totalBytes: this.totalBytes });
    if (!this.push(bytes)) this.body?.pause();
  };

  private readonly onEnd = (): void => {
    this.detach(false);
    if (this.totalBytes !== undefined && this.offset < this.totalBytes) {
      this.resumeAfterDrop(new Error(`The connection ended after ${this.offset} of ${this.totalBytes} bytes`));
      return;
    }
    const actual = this.digester.digest();
    if (actual !== this.options.expectedDigest.toLowerCase()) {
      this.destroy(
        new DigestMismatchError(`The downloaded blob does not match its digest: expected ${this.options.expectedDigest}, got ${actual}`, this.options.expectedDigest, actual),
      );
      return;
    }
    this.push(null);
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
    if (this.options.abortSignal?.aborted) {
      this.destroy(new AbortError("The download was aborted."));
      return;
    }
    if (this.failures >= this.options.maxResumeAttempts) {
      this.destroy(cause);
      return;
    }
    this.failures += 1;
    this.resuming = true;
    const wait = this.options.resumeDelayInMs * 2 ** (this.failures - 1);
    logger.info(`Blob download interrupted at byte ${this.offset} (${cause.message}); resuming in ${wait} ms (attempt ${this.failures})`);
    delay(wait, { abortSignal: this.options.abortSignal })
      .then(() => this.options.open(this.offset, this.options.abortSignal))
      .then(
        (opened) => {
          this.resuming = false;
          if (this.destroyed) {
            (opened.body as Partial<Readable>).destroy?.();
            return;
          }
          this.attach(opened);
          if (this.readableFlowing === false && this.readableLength >= this.readableHighWaterMark) this.body?.pause();
        },
        (error: unknown) => {
          this.resuming = false;
          if (isPermanent(error) || this.options.abortSignal?.aborted) this.destroy(error as Error);
          else this.resumeAfterDrop(error as Error);
        },
      );
  }
}
