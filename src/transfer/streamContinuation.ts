import { Readable } from "node:stream";
import { toBuffer } from "./digest.js";
import { BODY_PIECE_BYTES, type BodyChunkListener } from "./bufferBody.js";

/**
 * A one-shot stream of announced length, read across request bodies: each body takes the bytes the
 * previous ones did not, and a body that ends early (its request failed) leaves the rest of the
 * stream, unread, to the next. What was handed to a failed request is gone: an upload can go on
 * only from {@link handedOut}, and only if the registry holds exactly that much.
 */
export class StreamContinuation {
  /** Bytes handed to request bodies so far. */
  handedOut = 0;
  private readonly iterator: AsyncIterator<Uint8Array | string>;
  /** The reads of every body, one after the other: a body's first read waits for the last one of the body before. */
  private reads: Promise<void> = Promise.resolve();
  /** A piece read for a body that went away before it got it: the next body's first. */
  private leftover?: Buffer;
  private ended = false;
  private failure?: { error: unknown };

  constructor(
    private readonly source: Readable,
    private readonly size: number,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** A body of the stream's next bytes, up to its announced end; it fails when the stream yields more or fewer. */
  body(onChunk: BodyChunkListener): Readable {
    const body = new Readable({
      highWaterMark: BODY_PIECE_BYTES,
      read: () => {
        this.reads = this.reads
          .then(() => this.next())
          .then(
            (piece) => {
              if (body.destroyed) {
                if (piece) this.leftover = piece;
                return;
              }
              if (!piece) {
                body.push(null);
                return;
              }
              try {
                onChunk(this.handedOut, piece);
              } catch (error) {
                body.destroy(error as Error);
                return;
              }
              this.handedOut += piece.length;
              body.push(piece);
            },
            (error: unknown) => {
              this.failure ??= { error };
              body.destroy(error as Error);
            },
          );
      },
    });
    return body;
  }

  /** Stops the source (the upload is over, or failed for good). */
  close(): void {
    this.source.destroy();
  }

  /** The next piece of the stream, or undefined at its end; checks the announced length. */
  private async next(): Promise<Buffer | undefined> {
    if (this.leftover) {
      const piece = this.leftover;
      this.leftover = undefined;
      return piece;
    }
    if (this.failure) throw this.failure.error;
    if (this.ended) return undefined;
    const result = await this.iterator.next();
    if (result.done) {
      this.ended = true;
      if (this.handedOut !== this.size) {
        throw new RangeError(`The upload source ended after ${this.handedOut} of the ${this.size} bytes announced by sizeInBytes`);
      }
      return undefined;
    }
    const piece = toBuffer(result.value);
    if (this.handedOut + piece.length > this.size) {
      throw new RangeError(`The upload source yielded more than the ${this.size} bytes announced by sizeInBytes`);
    }
    return piece;
  }
}
