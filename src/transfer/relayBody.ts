import { ClientRequest } from "node:http";
import { Readable } from "node:stream";
import { BlobDownload, type BlobDownloadOptions } from "./blobDownload.js";
import { drain } from "./downloadToFile.js";
import type { BodyChunkListener } from "./bufferBody.js";
import type { OpenedBlob } from "./openedBlob.js";
import { StagedFileWriter } from "./stagedFileWriter.js";
import { transferStalledError } from "../errors/transferErrors.js";
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
 * registries), from `startOffset` on: the download resumes a dropped connection where it stopped
 * and, from offset 0 and unless its options leave that to the destination (`verify: false`),
 * checks the bytes against their digest before the body ends; each piece goes to `onChunk` (the
 * upload's accounting and progress) as it passes.
 *
 * Piped into an `http.ClientRequest` (as Node's HttpClient sends request bodies), the download's
 * bytes go from its socket's read buffers (with the static-buffer HttpClient: no allocation per
 * read) through two staging buffers into the request, never through a Readable's queue. Read any
 * other way, it is an ordinary Readable of copies. Bytes that do not match the digest fail the
 * body (and the request) with a DigestMismatchError instead of ending it.
 */
export class RelayBody extends Readable {
  private opened?: OpenedBlob;
  private started = false;
  /** Set when the reader is behind: called by the next `_read`. */
  private wakeReader?: () => void;

  /**
   * @param open - Opens the blob at `startOffset` (or hands over an opened response), when the body is first read.
   */
  constructor(
    private readonly options: BlobDownloadOptions,
    private readonly open: () => Promise<OpenedBlob>,
    private readonly onChunk: BodyChunkListener,
    private readonly startOffset = 0,
  ) {
    super({ highWaterMark: HIGH_WATER_MARK });
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
    (this.opened?.body as Partial<Readable> | undefined)?.destroy?.();
    callback(error);
  }

  /**
   * Hands every byte of the blob to `deliver`, reopening the blob after a dropped connection; then
   * checks the digest. A failure of `deliver` (the upload's side, seen through `check`) is not a
   * dropped connection: it ends the relay without a resume.
   */
  private async relay(deliver: BodySink, check: () => void): Promise<void> {
    this.opened = await this.open();
    const download = new BlobDownload(this.options, this.opened, this.startOffset);
    let deliveryFailure: { error: unknown } | undefined;
    const sink: BodySink = (chunk) => {
      const bytes = download.accept(chunk);
      if (bytes.length === 0) return undefined;
      this.onChunk(download.offset - bytes.length, bytes);
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
      const stalled = (): Error => transferStalledError(`Blob relay at byte ${download.offset}`, this.options.idleTimeoutInMs);
      const dropped = await drain(this.opened.body, sink, { ...this.options, stalled }).then(
        () => download.shortfall(),
        (error: Error) => error,
      );
      if (deliveryFailure) throw deliveryFailure.error;
      check();
      if (!dropped) break;
      if (this.destroyed) throw dropped;
      this.opened = await download.resume(dropped);
    }
    const mismatch = download.verify();
    if (mismatch) throw mismatch;
  }
}
