import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { pipeline, Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { HashingTransform, toBuffer } from "./digest.js";
import { FileBody, type HashedBody } from "./fileBody.js";

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

/** An upload source: its length when known, and its bytes (opened once, one way or the other). */
export interface UploadSource {
  sizeInBytes?: number;
  /** The bytes as they are. */
  open(): Readable;
  /** The bytes hashed as they are read; fails when they are not `size` bytes long. */
  openHashed(size: number, onBytes?: (bytes: number) => void): HashedBody;
}

/** Hashes any stream on its way through; pipeline() ties both ends, so a failure on either stops the other. */
function hashedStream(open: () => Readable): UploadSource["openHashed"] {
  return (size, onBytes) => pipeline(open(), new HashingTransform(size, onBytes), () => undefined);
}

/** Large enough to keep per-chunk overhead (hashing calls, socket writes) negligible; small enough to stay off the RSS. */
const SOURCE_CHUNK_BYTES = 1024 * 1024;

function* slices(bytes: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += SOURCE_CHUNK_BYTES) {
    yield bytes.subarray(offset, offset + SOURCE_CHUNK_BYTES);
  }
}

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
 * then read once, while hashing and sending); streams are only as long as `sizeInBytes` says.
 */
export async function prepareUploadSource(content: BlobContent, sizeInBytes: number | undefined): Promise<UploadSource> {
  if (typeof content === "string") {
    const info = await stat(content).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? missingFile(content) : error;
    });
    if (!info.isFile()) throw new TypeError(`"${content}" is not a file`);
    const open = (): Readable => createReadStream(content, { highWaterMark: SOURCE_CHUNK_BYTES });
    return { sizeInBytes: info.size, open, openHashed: (size, onBytes) => new FileBody(content, size, onBytes) };
  }
  if (content instanceof Uint8Array) {
    const bytes = toBuffer(content);
    const open = (): Readable => Readable.from(slices(bytes), { objectMode: false });
    return { sizeInBytes: bytes.length, open, openHashed: hashedStream(open) };
  }
  if (isNodeStream(content)) {
    // A byte stream is sent as it is; object-mode and legacy streams are adapted to one.
    const readable = content instanceof Readable ? content : new Readable().wrap(content);
    const open = (): Readable => (!readable.readableObjectMode ? readable : Readable.from(asBuffers(readable), { objectMode: false }));
    return { sizeInBytes, open, openHashed: hashedStream(open) };
  }
  if (isWebStream(content)) {
    const open = (): Readable => Readable.fromWeb(content as WebReadableStream<Uint8Array>, { objectMode: false });
    return { sizeInBytes, open, openHashed: hashedStream(open) };
  }
  if (isAsyncIterable(content)) {
    const open = (): Readable => Readable.from(asBuffers(content), { objectMode: false });
    return { sizeInBytes, open, openHashed: hashedStream(open) };
  }
  throw new TypeError(CONTENT_TYPES);
}
