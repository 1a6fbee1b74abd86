// Request bodies in every shape core-rest-pipeline accepts, read as bytes without buffering them whole.
import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import {
  createEmptyPipeline,
  formDataPolicy,
  multipartPolicy,
  type HttpClient,
  type RequestBodyType,
} from "@azure/core-rest-pipeline";

/**
 * Encodes `formData` / `multipartBody` into `body` as a full pipeline does before its HttpClient, so a
 * client handed such a request directly still sees plain bytes.
 */
export function encodingFormBodies(client: HttpClient): HttpClient {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(formDataPolicy());
  pipeline.addPolicy(multipartPolicy());
  return { sendRequest: (request) => pipeline.sendRequest(client, request) };
}

interface NodeReadableLike extends AsyncIterable<Uint8Array | string> {
  pipe: unknown;
}

function isNodeReadable(body: object): body is NodeReadableLike {
  return typeof (body as Partial<NodeReadableLike>).pipe === "function";
}

function isWebReadable(body: object): body is ReadableStream<Uint8Array> {
  return typeof (body as Partial<ReadableStream>).getReader === "function";
}

async function* webChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    reader.releaseLock();
  }
}

/** The bytes of a body; `() => stream` factories are called once. */
export async function* bodyChunks(body: RequestBodyType | undefined): AsyncGenerator<Uint8Array> {
  if (body === null || body === undefined) return;
  if (typeof body === "function") {
    yield* bodyChunks(body());
  } else if (typeof body === "string") {
    yield Buffer.from(body);
  } else if (body instanceof ArrayBuffer) {
    yield new Uint8Array(body);
  } else if (ArrayBuffer.isView(body)) {
    yield new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  } else if (body instanceof Blob) {
    yield* webChunks(body.stream());
  } else if (isNodeReadable(body)) {
    for await (const chunk of body) yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
  } else if (isWebReadable(body)) {
    yield* webChunks(body);
  } else {
    throw new TypeError(`Unsupported request body: ${Object.prototype.toString.call(body)}`);
  }
}

/** Counts a body's bytes and keeps only its first `limit` of them. */
export class BodyCapture {
  length = 0;
  private readonly kept: Buffer[] = [];
  private keptLength = 0;

  constructor(private readonly limit: number) {}

  add(chunk: Uint8Array): void {
    this.length += chunk.byteLength;
    const room = this.limit - this.keptLength;
    if (room > 0) {
      // Copied: the sender may reuse its buffer.
      const part = Buffer.from(chunk.subarray(0, room));
      this.kept.push(part);
      this.keptLength += part.length;
    }
  }

  get head(): Buffer {
    return Buffer.concat(this.kept);
  }

  /** Whether `head` is the whole body. */
  get complete(): boolean {
    return this.keptLength === this.length;
  }
}

export function abortError(): AbortError {
  return new AbortError("The operation was aborted.");
}

/**
 * Reads a body to its end (so upload code paths complete), counting it; rejects with an AbortError as
 * soon as `signal` fires, even while the body is stalled.
 */
export async function drainBody(
  body: RequestBodyType | undefined,
  capture: BodyCapture,
  options: { signal?: AbortSignalLike; onChunk?: (loadedBytes: number) => void } = {},
): Promise<void> {
  const { signal, onChunk } = options;
  if (signal?.aborted) throw abortError();
  const chunks = bodyChunks(body);
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError());
  });
  signal?.addEventListener("abort", onAbort);
  try {
    let next = await Promise.race([chunks.next(), aborted]);
    while (!next.done) {
      capture.add(next.value);
      onChunk?.(capture.length);
      next = await Promise.race([chunks.next(), aborted]);
    }
  } catch (error) {
    // Stops (and destroys) the source stream.
    void chunks.return(undefined).catch(() => undefined);
    throw error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
