import type { Socket } from "node:net";
import { Readable } from "node:stream";
import type { BodySink, ZeroCopyBody } from "../zeroCopyBody.js";

/** Size of each read buffer: what one socket read can deliver. */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * The two buffers a socket reads into with `onread`, allocated once per connection. After each
 * read, the socket reads next into the one that is not lent to a sink: pausing a socket does not
 * stop every read (a TLS socket still delivers the records it has already decrypted, right after
 * the read that paused it), and such a read must not overwrite bytes a pending write still uses.
 */
export class ReadBuffers {
  private readonly pair = [Buffer.allocUnsafeSlow(READ_BUFFER_BYTES), Buffer.allocUnsafeSlow(READ_BUFFER_BYTES)] as const;
  private lent?: ArrayBufferLike;

  /** `onread`'s buffer function: where the next read goes. */
  readonly next = (): Buffer => (this.pair[0].buffer === this.lent ? this.pair[1] : this.pair[0]);

  /** `bytes` (a view of one of the buffers, or of any other) stay untouched until {@link ReadBuffers.release}. */
  lend(bytes: Buffer): void {
    this.lent = bytes.buffer;
  }

  /** The lent bytes are no longer used: their buffer may be read into again. */
  release(): void {
    this.lent = undefined;
  }
}

/**
 * The `Content-Length` body of a response read with `onread` into {@link ReadBuffers}. It reaches
 * its consumer in one of two ways, chosen by the first that asks:
 *
 * - {@link StaticBufferBody.drainInto}: the sink gets views of the read buffers, no allocation per
 *   read; the socket is paused while the sink's promise is pending;
 * - as a Node Readable, for any policy or code that reads, resumes or destroys a response body:
 *   every chunk is then a copy, since a reader may keep it.
 *
 * Bytes that arrive when no consumer can take them (before the first one asks, or during a
 * pending sink call: a paused TLS socket's last records) are copied into a holding buffer, which
 * the next delivery empties before the socket resumes. Two holding buffers alternate, so one can
 * take bytes while the other is with the sink; they are allocated only when needed (in practice:
 * TLS, up to a few records) and kept for the life of the body.
 */
export class StaticBufferBody extends Readable implements ZeroCopyBody {
  private remaining: number;
  private consumer: "none" | "copies" | "sink" = "none";
  private sink?: BodySink;
  private sinkBusy = false;
  private holding?: Buffer;
  private spare?: Buffer;
  private held = 0;
  private failure?: Error;
  private settle?: { resolve: () => void; reject: (error: Error) => void };

  /**
   * @param socket - The connection, its response head read; its `onread` callback must pass
   *   every further read to {@link StaticBufferBody.receive}.
   * @param length - The body's `Content-Length`.
   * @param buffers - The buffers the socket reads into.
   */
  constructor(
    private readonly socket: Socket,
    private readonly length: number,
    private readonly buffers: ReadBuffers,
  ) {
    super();
    this.remaining = length;
    socket.on("error", (error) => this.stop(error));
    socket.on("close", () => this.stop(new Error(`The connection closed after ${this.length - this.remaining} of ${length} body bytes`)));
    // Nothing more to read: the connection (`Connection: close`) has done its work.
    if (length === 0) socket.destroy();
  }

  /** Takes the bytes of one socket read. Returns false when the socket should pause. */
  receive(bytes: Buffer): boolean {
    if (this.remaining === 0 || this.failure) return false;
    const part = bytes.length > this.remaining ? bytes.subarray(0, this.remaining) : bytes;
    this.remaining -= part.length;
    if (this.remaining === 0) this.socket.destroy();
    if (this.consumer === "copies") {
      const more = this.push(Buffer.from(part));
      if (this.remaining === 0) this.push(null);
      return more;
    }
    if (this.consumer === "sink" && !this.sinkBusy) {
      if (!this.deliver(part)) return false;
      if (this.remaining === 0) this.settle!.resolve();
      return true;
    }
    this.hold(part);
    return false;
  }

  drainInto(sink: BodySink): Promise<void> {
    if (this.consumer !== "none") return Promise.reject(new Error("The response body is already being read"));
    this.consumer = "sink";
    this.sink = sink;
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      this.next();
    });
  }

  override _read(): void {
    if (this.consumer === "copies") {
      this.socket.resume();
      return;
    }
    this.consumer = "copies";
    if (this.held > 0) this.push(Buffer.from(this.holding!.subarray(0, this.held)));
    this.held = 0;
    if (this.failure) this.destroy(this.failure);
    else if (this.remaining === 0) this.push(null);
    else this.socket.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stop(error ?? new Error("The response body was destroyed before its end"));
    // A sink's consumer hears of the error from drainInto: no 'error' event nobody listens to.
    callback(this.consumer === "sink" ? null : error);
  }

  /** The sink is free (just attached, or its last call settled): held bytes first, then the socket. */
  private next(): void {
    if (this.held > 0) {
      const held = this.holding!.subarray(0, this.held);
      [this.holding, this.spare] = [this.spare, this.holding];
      this.held = 0;
      if (!this.deliver(held)) return;
    }
    if (this.failure) this.settle!.reject(this.failure);
    else if (this.remaining === 0) this.settle!.resolve();
    else this.socket.resume();
  }

  /** Calls the sink. Returns true when it is done with `bytes`; otherwise next() follows once it is. */
  private deliver(bytes: Buffer): boolean {
    let pending: Promise<void> | void;
    try {
      pending = this.sink!(bytes);
    } catch (error) {
      this.sinkFailed(error as Error);
      return false;
    }
    if (!pending) return true;
    this.sinkBusy = true;
    this.buffers.lend(bytes);
    pending.then(
      () => {
        this.sinkBusy = false;
        this.buffers.release();
        this.next();
      },
      (error: Error) => {
        this.sinkBusy = false;
        this.buffers.release();
        this.sinkFailed(error);
      },
    );
    return false;
  }

  private hold(bytes: Buffer): void {
    const needed = this.held + bytes.length;
    if (!this.holding || this.holding.length < needed) {
      const larger = Buffer.allocUnsafeSlow(Math.max(needed, 2 * (this.holding?.length ?? 0), READ_BUFFER_BYTES));
      this.holding?.copy(larger, 0, 0, this.held);
      this.holding = larger;
    }
    bytes.copy(this.holding, this.held);
    this.held = needed;
  }

  /** Ends the transfer with `error`, which reaches the consumer (a pending sink call settles first: see next()). */
  private stop(error: Error): void {
    if (this.failure || this.remaining === 0) return;
    this.failure = error;
    this.socket.destroy();
    if (this.consumer === "copies") this.destroy(error);
    else if (this.consumer === "sink" && !this.sinkBusy) this.settle!.reject(error);
  }

  /** The sink failed: nothing more is read, whatever was left. */
  private sinkFailed(error: Error): void {
    this.failure = error;
    this.socket.destroy();
    this.settle!.reject(error);
  }
}
