import type { Readable } from "node:stream";
import { Digester, toBuffer } from "./digest.js";

const INITIAL_BUFFER_BYTES = 64 * 1024;
/** Past this, the stream is large: the buffer goes straight to the full chunk size instead of doubling. */
const GROWTH_LIMIT_BYTES = 1024 * 1024;

/**
 * Cuts a stream of unknown length into chunks of at most `maxBytes` for a chunked upload, hashing
 * every byte once as it is read. Chunks are gathered into one buffer that is reused from chunk to
 * chunk (each chunk is sent and acknowledged before the next is read): memory stays at one chunk
 * however long the stream, instead of a fresh chunk of garbage per request. The buffer grows with
 * the data, so a small blob never costs a full chunk.
 */
export class ChunkReader {
  /** True once the source is exhausted. */
  ended = false;
  /** Bytes read so far. */
  bytesRead = 0;
  private readonly digester = new Digester();
  private readonly iterator: AsyncIterator<Uint8Array | string>;
  private leftover: Buffer | undefined;
  private buffer = Buffer.alloc(0);
  private result?: string;

  constructor(private readonly source: Readable) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /**
   * The next chunk: `maxBytes` long unless the source ends first (empty at the end). It is a view
   * of the reused buffer, valid until the next call.
   */
  async read(maxBytes: number): Promise<Buffer> {
    let length = 0;
    while (length < maxBytes) {
      let piece = this.leftover;
      this.leftover = undefined;
      if (!piece) {
        if (this.ended) break;
        const next = await this.iterator.next();
        if (next.done) {
          this.ended = true;
          break;
        }
        piece = toBuffer(next.value);
      }
      const room = maxBytes - length;
      if (piece.length > room) {
        this.leftover = piece.subarray(room);
        piece = piece.subarray(0, room);
      }
      this.reserve(length + piece.length, maxBytes);
      piece.copy(this.buffer, length);
      length += piece.length;
    }
    const chunk = this.buffer.subarray(0, length);
    this.digester.update(chunk);
    this.bytesRead += length;
    return chunk;
  }

  private reserve(needed: number, maxBytes: number): void {
    if (needed <= this.buffer.length) return;
    let size = Math.max(this.buffer.length, INITIAL_BUFFER_BYTES);
    while (size < needed) size *= 2;
    if (size > GROWTH_LIMIT_BYTES) size = maxBytes;
    const grown = Buffer.allocUnsafeSlow(Math.min(size, maxBytes));
    this.buffer.copy(grown);
    this.buffer = grown;
  }

  /** Digest of everything read; only once the source has ended. */
  digest(): string {
    if (!this.ended) throw new Error("The upload source has not been read to its end");
    this.result ??= this.digester.digest();
    return this.result;
  }

  /** Stops the source when the upload ends early, even while a read is pending. */
  close(): void {
    this.source.destroy();
  }
}
