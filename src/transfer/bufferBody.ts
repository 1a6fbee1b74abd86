import { Readable } from "node:stream";

/** Called with each piece of a request body as the connection takes it, at the piece's offset in the blob. */
export type BodyChunkListener = (position: number, bytes: Buffer) => void;

/** Large enough to keep per-piece overhead (hashing calls, socket writes) negligible; small enough that progress is seen often. */
export const BODY_PIECE_BYTES = 1024 * 1024;

/**
 * A request body over bytes in memory, from an offset: handed out in pieces (views, no copy), so
 * that an upload sees its progress (and a stalled connection is noticed) while a large buffer goes.
 */
export class BufferBody extends Readable {
  private next: number;

  /**
   * @param bytes - The bytes of the blob from `blobOffset` on (a whole blob, or one chunk of it).
   * @param from - Where the body starts within `bytes`.
   */
  constructor(
    private readonly bytes: Buffer,
    from: number,
    private readonly blobOffset: number,
    private readonly onChunk: BodyChunkListener,
  ) {
    super({ highWaterMark: BODY_PIECE_BYTES });
    this.next = from;
  }

  override _read(): void {
    if (this.next >= this.bytes.length) {
      this.push(null);
      return;
    }
    const piece = this.bytes.subarray(this.next, this.next + BODY_PIECE_BYTES);
    this.onChunk(this.blobOffset + this.next, piece);
    this.next += piece.length;
    this.push(piece);
  }
}
