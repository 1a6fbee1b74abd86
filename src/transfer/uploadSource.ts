import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { toBuffer } from "./digest.js";
import { BufferBody, type BodyChunkListener } from "./bufferBody.js";
import { FileBody } from "./fileBody.js";

/**
 * What `uploadBlob` accepts: bytes, a Node readable stream, a web `ReadableStream`, an async
 * iterable of byte chunks, or the path of a file.
 */
export type BlobContent =
  | Uint8Array
  | NodeJS.ReadableStream
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | string;

/** Bytes or a file: any range can be read again, so an upload of it resumes wherever the registry stands. */
export interface SeekableSource {
  kind: "seekable";
  sizeInBytes: number;
  /** A request body of the bytes from `offset` to the end, each piece handed to `onChunk` as it is read. */
  bodyFrom(offset: number, onChunk: BodyChunkListener): Readable;
  /**
   * The digest of the bytes, known from where they come from (a blob relayed from another
   * registry), which the upload does not compute again: the registry checks the bytes against it
   * (`PUT ?digest=`) and refuses a mismatch.
   */
  registryCheckedDigest?: string;
}

/** A stream, read once: of known length when the caller announced it. */
export interface StreamSource {
  kind: "stream";
  sizeInBytes?: number;
  /** The stream as bytes (opened once). */
  readable(): Readable;
}

export type UploadSource = SeekableSource | StreamSource;

function isNodeStream(content: object): content is NodeJS.ReadableStream {
  return typeof (content as NodeJS.ReadableStream).pipe === "function" && typeof (content as NodeJS.ReadableStream).on === "function";
}

function isWebStream(content: object): content is ReadableStream<Uint8Array> {
  return typeof (content as ReadableStream).getReader === "function";
}

function isAsyncIterable(content: object): content is AsyncIterable<Uint8Array> {
  return typeof (content as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function";
}

async function* asBuffers(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) yield toBuffer(chunk);
}

export function assertSize(size: unknown, parameter: string): asserts size is number | undefined {
  if (size === undefined) return;
  if (typeof size !== "number") throw new TypeError(`${parameter} must be a number, got ${typeof size}`);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`${parameter} must be a non-negative integer, got ${size}`);
}

const CONTENT_TYPES = "content must be a Buffer, Uint8Array, readable stream, web ReadableStream, async iterable or file path";

/** Refuses what `uploadBlob` cannot read, before anything is sent. */
export function assertBlobContent(content: unknown): asserts content is BlobContent {
  const valid =
    typeof content === "string" ||
    content instanceof Uint8Array ||
    (typeof content === "object" && content !== null && (isNodeStream(content) || isWebStream(content) || isAsyncIterable(content)));
  if (!valid) throw new TypeError(`${CONTENT_TYPES}, got ${content === null ? "null" : typeof content}`);
  if (content === "") throw new RangeError("content must not be an empty file path");
}

/** A string is always a file path: the error for a missing one says so, and how to upload text instead. */
function missingFile(content: string): RangeError {
  const shown = content.length > 80 ? `${content.slice(0, 80)}...` : content;
  return new RangeError(
    `content is a string, which uploadBlob reads as a file path, and there is no file at "${shown}": ` +
      "to upload text, pass its bytes instead, e.g. uploadBlob(Buffer.from(text))",
  );
}

/**
 * Classifies upload content without reading it. A file path is stat'ed for its length (it is
 * then read while hashing and sending, again from an offset when an upload resumes); streams are
 * only as long as `sizeInBytes` says.
 */
export async function prepareUploadSource(content: BlobContent, sizeInBytes: number | undefined): Promise<UploadSource> {
  if (typeof content === "string") {
    const info = await stat(content).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? missingFile(content) : error;
    });
    if (!info.isFile()) throw new TypeError(`"${content}" is not a file`);
    const size = info.size;
    return { kind: "seekable", sizeInBytes: size, bodyFrom: (offset, onChunk) => new FileBody(content, offset, size, onChunk) };
  }
  if (content instanceof Uint8Array) {
    const bytes = toBuffer(content);
    return { kind: "seekable", sizeInBytes: bytes.length, bodyFrom: (offset, onChunk) => new BufferBody(bytes, offset, 0, onChunk) };
  }
  if (isNodeStream(content)) {
    // A byte stream is sent as it is; object-mode and legacy streams are adapted to one.
    const readable = content instanceof Readable ? content : new Readable().wrap(content);
    const open = (): Readable => (!readable.readableObjectMode ? readable : Readable.from(asBuffers(readable), { objectMode: false }));
    return { kind: "stream", sizeInBytes, readable: open };
  }
  if (isWebStream(content)) {
    return { kind: "stream", sizeInBytes, readable: () => Readable.fromWeb(content as WebReadableStream<Uint8Array>, { objectMode: false }) };
  }
  if (isAsyncIterable(content)) {
    return { kind: "stream", sizeInBytes, readable: () => Readable.from(asBuffers(content), { objectMode: false }) };
  }
  throw new TypeError(CONTENT_TYPES);
}
