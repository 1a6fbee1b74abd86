import { close, open, read } from "node:fs";
import { ClientRequest } from "node:http";
import { Readable } from "node:stream";
import type { BodyChunkListener } from "./bufferBody.js";

const SLOT_BYTES = 1024 * 1024;
const MAX_POOLED_SLOTS = 4;

interface PendingSlot {
  slot: Buffer;
  /** Offset just past the slot's bytes in the body. */
  end: number;
}

/**
 * Reads a file from an offset for an upload body, handing each chunk to a listener (which hashes
 * it) as it is read, with a small pool of
 * reused buffers instead of a fresh buffer per read: at hundreds of MB/s, garbage buffers waiting
 * for the collector otherwise add tens of MiB to the process's peak RSS.
 *
 * A buffer is reused only when provably free: the body must be piped straight into an
 * `http.ClientRequest` (as Node's HttpClient does), and the buffer's bytes must have been written
 * by the pipe and flushed by the request (its `writableLength` back to 0, or `drain`). Read any
 * other way, every chunk gets a fresh buffer.
 */
export class FileBody extends Readable {
  private fd?: number;
  private position: number;
  private readonly free: Buffer[] = [];
  private readonly pending: PendingSlot[] = [];
  private consumedBytes = 0;
  private request?: ClientRequest;

  /**
   * @param start - The file offset the body starts at (a resumed upload starts where the registry stands).
   * @param size - The file's size when the upload started: a file that changes length fails the body.
   */
  constructor(
    private readonly path: string,
    private readonly start: number,
    private readonly size: number,
    private readonly onChunk: BodyChunkListener,
  ) {
    super({ highWaterMark: SLOT_BYTES });
    this.position = start;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, "r", (error, fd) => {
      this.fd = fd;
      callback(error);
    });
  }

  override _read(): void {
    const slot = this.takeSlot();
    read(this.fd!, slot, 0, slot.length, this.position, (error, bytesRead) => {
      if (error) {
        this.destroy(error);
        return;
      }
      if (bytesRead === 0) {
        if (this.position !== this.size) {
          this.destroy(new RangeError(`The file ended after ${this.position} of its ${this.size} bytes: it changed during the upload`));
          return;
        }
        this.push(null);
        return;
      }
      const bytes = slot.subarray(0, Math.min(bytesRead, this.size - this.position));
      if (bytes.length === 0) {
        this.destroy(new RangeError(`The file grew past its ${this.size} bytes during the upload`));
        return;
      }
      try {
        this.onChunk(this.position, bytes);
      } catch (listenerError) {
        this.destroy(listenerError as Error);
        return;
      }
      this.position += bytes.length;
      if (this.request) this.pending.push({ slot, end: this.position - this.start });
      this.push(bytes);
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.fd === undefined) {
      callback(error);
      return;
    }
    close(this.fd, () => callback(error));
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    const piped = super.pipe(destination, options);
    if (destination instanceof ClientRequest) {
      this.request = destination;
      // Registered after pipe's own listener: by the time it runs, the chunk has been written.
      this.on("data", (chunk: Buffer) => {
        this.consumedBytes += chunk.length;
        if (destination.writableLength === 0) this.release();
      });
      destination.on("drain", () => this.release());
    }
    return piped;
  }

  /** Everything written so far has left the request: those buffers can take new bytes. */
  private release(): void {
    while (this.pending.length > 0 && this.pending[0]!.end <= this.consumedBytes) {
      const { slot } = this.pending.shift()!;
      if (this.free.length < MAX_POOLED_SLOTS) this.free.push(slot);
    }
  }

  private takeSlot(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(SLOT_BYTES);
  }
}
