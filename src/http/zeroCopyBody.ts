// The contract between an HttpClient that can lend its read buffers and a consumer that can use
// them in place (downloads into files): implemented by the static-buffer client's bodies.

/**
 * Receives body bytes that live in a reused buffer: they are valid during the call and, when it
 * returns a promise, until that promise settles. The next call comes only after that.
 */
export type BodySink = (bytes: Buffer) => Promise<void> | void;

/** A response body that can hand its bytes over without copying them. */
export interface ZeroCopyBody {
  /**
   * Hands every remaining byte of the body to `sink` and resolves once the last call has settled.
   * Rejects when the connection fails or `sink` throws, never while a sink call is pending.
   */
  drainInto(sink: BodySink): Promise<void>;
}

/** Whether a response body (of whichever HttpClient answered) can be drained without copies. */
export function isZeroCopyBody(body: unknown): body is ZeroCopyBody {
  return typeof (body as Partial<ZeroCopyBody> | undefined)?.drainInto === "function";
}
