import { ClientRequest } from "node:http";
import { Readable } from "node:stream";
import { BlobDownload, type BlobDownloadOptions } from "./blobDownload.js";
import { drain } from "./downloadToFile.js";
import type { HashedBody } from "./fileBody.js";
import type { OpenedBlob } from "./openedBlob.js";
import { StagedFileWriter } from "./stagedFileWriter.js";
import type { BodySink } from "../http/zeroCopyBody.js";

const HIGH_WATER_MARK = 1024 * 1024;

/** Writes to an upload's request; resolves once the request has handed the bytes to the socket. */
function requestOutput(request: ClientRequest): (bytes: Buffer) => Promise<void> {
  return (bytes) =>
    bytes.length === 0
      ? Promise.resolve()
      : new Promise((resolve, reject) => {
          request.write(bytes, (error) => (error ? reject(error) : resolve()));
        });
}

/**
 * The body of an upload whose bytes come straight from a blob download (a copy between
 * registries): hashed once, by the download, which checks them against their digest and resumes
 * a dropped connection where it stopped; {@link RelayBody.digest} is that verified digest, so the
 * upload need not hash them again.
 *
 * Piped into an `http.ClientRequest` (as Node's HttpClient sends request bodies), the download's
 * bytes go from its socket's read buffers (with the static-buffer HttpClient: no allocation per
 * read) through two staging buffers into the request, never through a Readable's queue. Read any
 * other way, it is an ordinary Readable of copies. Bytes that do not match the digest fail the
 * body (and the request) with a DigestMismatchError instead of ending it.
 */
export class RelayBody extends Readable implements HashedBody {
  private readonly download: BlobDownload;
  private opened: OpenedBlob;
  private started = false;
  private verified?: string;
  /** Set when the reader is behind: called by the next `_read`. */
  private wakeReader?: () => void;

  constructor(
    private readonly options: BlobDownloadOptions,
    first: OpenedBlob,
    private readonly onBytes?: (bytes: number) => void,
  ) {
    super({ highWaterMark: HIGH_WATER_MARK });
    this.download = new BlobDownload(options, first);
    this.opened = first;
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    if (!(destination instanceof ClientRequest) || this.started) return super.pipe(destination, options);
    this.started = true;
    const writer = new StagedFileWriter(requestOutput(destination));
    this.relay((bytes) => writer.write(bytes), () => writer.check()).then(
      async () => {
        await writer.end();
        destination.end();
        this.push(null);
        // Nobody reads this stream: flowing mode lets it emit `end`, which the upload waits for.
        this.resume();
      },
      (error: Error) => {
        destination.destroy(error);
        this.destroy(error);
      },
    );
    return destination;
  }

  override _read(): void {
    if (this.started) {
      this.wakeReader?.();
      return;
    }
    this.started = true;
    const deliver = (bytes: Buffer): Promise<void> | undefined =>
      this.push(Buffer.from(bytes)) ? undefined : new Promise<void>((resolve) => (this.wakeReader = resolve));
    this.relay(deliver, () => undefined).then(
      () => this.push(null),
      (error: Error) => this.destroy(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    (this.opened.body as Partial<Readable>).destroy?.();
    callback(error);
  }

  digest(): string {
    if (this.verified === undefined) throw new Error("The relayed blob has not been read to its end");
    return this.verified;
  }

  /**
   * Hands every byte of the blob to `deliver`, reopening the blob after a dropped connection; then
   * checks the digest. A failure of `deliver` (the upload's side, seen through `check`) is not a
   * dropped connection: it ends the relay without a resume.
   */
  private async relay(deliver: BodySink, check: () => void): Promise<void> {
    let deliveryFailure: { error: unknown } | undefined;
    const sink: BodySink = (chunk) => {
      const bytes = this.download.accept(chunk);
      if (bytes.length === 0) return undefined;
      this.onBytes?.(this.download.offset);
      try {
        return deliver(bytes)?.catch((error: unknown) => {
          deliveryFailure = { error };
          throw error;
        });
      } catch (error) {
        deliveryFailure = { error };
        throw error;
      }
    };
    for (;;) {
      const dropped = await drain(this.opened.body, sink, this.options.abortSignal).then(
        () => this.download.shortfall(),
        (error: Error) => error,
      );
      if (deliveryFailure) throw deliveryFailure.error;
      check();
      if (!dropped) break;
      if (this.destroyed) throw dropped;
      this.opened = await this.download.resume(dropped);
    }
    const mismatch = this.download.verify();
    if (mismatch) throw mismatch;
    this.verified = this.options.expectedDigest;
  }
}
