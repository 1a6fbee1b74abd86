import type { AbortSignalLike } from "@azure/abort-controller";
import { isRestError } from "@azure/core-rest-pipeline";
import { clientError, KnownContainerRegistryErrorCode } from "../errors/errorCodes.js";
import { Digester } from "./digest.js";
import { DigestMismatchError } from "../errors/digestMismatchError.js";
import type { BlobTransferProgress } from "./models.js";
import { ResumeBackoff } from "./downloadResume.js";
import type { BlobOpener, OpenedBlob } from "./openedBlob.js";

/** What a download needs to verify its bytes and resume a dropped connection. */
export interface BlobDownloadOptions {
  expectedDigest: string;
  open: BlobOpener;
  maxResumeAttempts: number;
  /** First pause before a resume; doubled on each further consecutive attempt. */
  resumeDelayInMs: number;
  /** A body that delivers no byte for this long (while its reader wants more) is dropped and resumed; 0: never. */
  idleTimeoutInMs: number;
  /** Whether the bytes are hashed and checked against the digest here (default true); false when their reader checks them. */
  verify?: boolean;
  abortSignal?: AbortSignalLike;
  onProgress?: (progress: BlobTransferProgress) => void;
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

  /** Bytes before the start are not seen, so a download that starts past 0 cannot check the digest: its reader must. */
  private readonly verifies: boolean;

  /** @param startOffset - Where `first` was opened: 0, or a later byte for a reader that has the bytes before it. */
  constructor(
    private readonly options: BlobDownloadOptions,
    first: OpenedBlob,
    startOffset = 0,
  ) {
    this.digester = new Digester(options.expectedDigest);
    this.backoff = new ResumeBackoff(options);
    this.skip = first.skip;
    this.totalBytes = first.totalBytes;
    this.offset = startOffset;
    this.verifies = startOffset === 0 && options.verify !== false;
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
    if (this.verifies) this.digester.update(bytes);
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

  /** After the whole blob passed: a DigestMismatchError when its bytes do not hash to the digest (unchecked past a start offset). */
  verify(): DigestMismatchError | undefined {
    if (!this.verifies) return undefined;
    const actual = this.digester.digest();
    const expected = this.options.expectedDigest;
    if (actual === expected.toLowerCase()) return undefined;
    return new DigestMismatchError(`The downloaded blob does not match its digest: expected ${expected}, got ${actual}`, expected, actual);
  }

  /**
   * The error a download that gave up fails with: a dropped connection (the body's own error is
   * often a plain `Error`) becomes a `ConnectionDropped` RestError; a registry's answer, an abort
   * or a typed wire failure stays as it is.
   */
  private gaveUp(error: unknown): unknown {
    if (isRestError(error) || (error instanceof Error && error.name === "AbortError")) return error;
    const of = this.totalBytes !== undefined ? ` of ${this.totalBytes}` : "";
    const reason = error instanceof Error ? error.message : String(error);
    return clientError(
      KnownContainerRegistryErrorCode.ConnectionDropped,
      `The download stopped at byte ${this.offset}${of} and could not be resumed (maxResumeAttempts: ${this.options.maxResumeAttempts}): ${reason}`,
    );
  }

  /**
   * Reopens the blob where the delivered bytes end, after the connection dropped with `cause`
   * (see {@link ResumeBackoff} for when it gives up).
   */
  async resume(cause: Error): Promise<OpenedBlob> {
    let opened: OpenedBlob;
    try {
      opened = await this.backoff.reopen(cause, this.offset, this.options.open);
    } catch (error) {
      throw this.gaveUp(error);
    }
    this.skip = opened.skip;
    this.totalBytes ??= opened.totalBytes;
    return opened;
  }
}
