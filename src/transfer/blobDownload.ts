import type { AbortSignalLike } from "@azure/abort-controller";
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { restErrorFromResponse } from "../errors/registryErrors.js";
import { Digester } from "./digest.js";
import { DigestMismatchError } from "../errors/digestMismatchError.js";
import type { BlobTransferProgress } from "./models.js";
import { ResumeBackoff } from "./downloadResume.js";

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

/**
 * Where a blob download stands, whatever carries its bytes (a stream or a file): it hashes the
 * bytes as they pass, skips those a resumed response repeats, counts progress, and reopens the blob
 * after a dropped connection, up to `maxResumeAttempts` times in a row without progress, with a
 * growing pause.
 */
export class BlobDownload {
  private readonly digester: Digester;
  private skip: number;
  private readonly backoff: ResumeBackoff;
  /** Bytes delivered so far: where a resume starts. */
  offset = 0;
  /** Size of the blob when a response told it. */
  totalBytes?: number;

  constructor(
    private readonly options: BlobDownloadOptions,
    first: OpenedBlob,
  ) {
    this.digester = new Digester(options.expectedDigest);
    this.backoff = new ResumeBackoff(options);
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
    this.backoff.progressed();
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
   * Reopens the blob where the delivered bytes end, after the connection dropped with `cause`
   * (see {@link ResumeBackoff} for when it gives up).
   */
  async resume(cause: Error): Promise<OpenedBlob> {
    const opened = await this.backoff.reopen(cause, this.offset, this.options.open);
    this.skip = opened.skip;
    this.totalBytes ??= opened.totalBytes;
    return opened;
  }
}
