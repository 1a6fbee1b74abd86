import { AbortError } from "@azure/abort-controller";
import { Readable } from "node:stream";
import { transferStalledError } from "../errors/transferErrors.js";
import { BlobDownload, type BlobDownloadOptions } from "./blobDownload.js";
import { IdleTimer } from "./idleTimer.js";
import type { OpenedBlob } from "./openedBlob.js";

const HIGH_WATER_MARK = 1024 * 1024;

/**
 * The content stream of a blob download. It hashes bytes as they pass and, at the end, either
 * ends (the digest matched) or fails with a DigestMismatchError. A dropped connection is resumed
 * (see {@link BlobDownload}), so the consumer sees every byte exactly once; so is a body that
 * stalls for `idleTimeoutInMs` while the consumer waits for bytes. It reads from the network only
 * as fast as its consumer reads from it.
 */
export class VerifyingBlobStream extends Readable {
  private readonly download: BlobDownload;
  private body?: NodeJS.ReadableStream;
  private idle?: IdleTimer;
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
    this.idle?.release();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.options.abortSignal?.removeEventListener("abort", this.onAbort);
    this.detach(true);
    callback(error);
  }

  private attach(body: NodeJS.ReadableStream): void {
    this.body = body;
    const { idleTimeoutInMs } = this.options;
    this.idle = new IdleTimer(idleTimeoutInMs, () =>
      this.onBodyError(transferStalledError(`Blob download at byte ${this.download.offset}`, idleTimeoutInMs)),
    );
    body.on("data", this.onData);
    body.on("end", this.onEnd);
    body.on("error", this.onBodyError);
    body.on("close", this.onClose);
  }

  private detach(destroy: boolean): void {
    const body = this.body;
    if (!body) return;
    this.body = undefined;
    this.idle?.stop();
    this.idle = undefined;
    body.off("data", this.onData);
    body.off("end", this.onEnd);
    body.off("error", this.onBodyError);
    body.off("close", this.onClose);
    // A late error from a dropped body must not become an uncaught exception.
    body.on("error", () => undefined);
    if (destroy) (body as Partial<Readable>).destroy?.();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.idle?.touch();
    const bytes = this.download.accept(chunk);
    if (bytes.length > 0 && !this.push(bytes)) {
      this.body?.pause();
      // The consumer is behind: waiting for it is not the network stalling.
      this.idle?.hold();
    }
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
        if (this.readableFlowing === false && this.readableLength >= this.readableHighWaterMark) {
          this.body?.pause();
          this.idle?.hold();
        }
      },
      (error: unknown) => {
        this.resuming = false;
        this.destroy(error as Error);
      },
    );
  }
}
