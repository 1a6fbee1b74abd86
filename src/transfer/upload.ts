import { AbortError } from "@azure/abort-controller";
import type { Readable } from "node:stream";
import { raceAbort, throwIfAborted } from "../errors/abort.js";
import type { RegistryTransport } from "../http/registryTransport.js";
import { BufferBody } from "./bufferBody.js";
import { ChunkReader } from "./chunkReader.js";
import { assertDigestMatches, BlobHasher, KnownBlobDigest, type UploadDigest } from "./digest.js";
import type { StoredBlob } from "./models.js";
import { StreamContinuation } from "./streamContinuation.js";
import { ResumableUpload, type ByteWindow } from "./uploadResume.js";
import type { UploadRequestOptions } from "./uploadSession.js";
import type { UploadSource } from "./uploadSource.js";

/** Chunk size for streams of unknown length; see docs/content.md for the measurements behind it. */
export const DEFAULT_UPLOAD_CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Uploads a blob, hashing it once while it streams:
 *
 * - known length: `POST` (bodiless, so the authentication policy learns the scope before any byte of
 *   a one-shot stream is sent), one `PATCH` streaming the whole body, `PUT ?digest=`: 3 requests;
 * - known length and digest: `POST`, `PUT ?digest=` with the body: 2 requests;
 * - unknown length: `PATCH` chunks of `chunkSizeInBytes` (or the registry's `OCI-Chunk-Min-Length`)
 *   with `Content-Range`, then `PUT ?digest=`.
 *
 * A failed request is resumed where the registry stands (see {@link ResumableUpload}). Any failure
 * that ends the upload (including an abort) cancels its session.
 */
export async function uploadBlob(transport: RegistryTransport, source: UploadSource, options: UploadRequestOptions): Promise<StoredBlob> {
  throwIfAborted(options.abortSignal);
  const upload = new ResumableUpload(transport, options, source.sizeInBytes);
  let stream: StreamContinuation | ChunkReader | undefined;
  try {
    await upload.start();
    if (source.kind === "seekable") return await uploadKnownLength(upload, seekableWindow(source), options);
    const readable = source.readable();
    if (source.sizeInBytes === undefined) {
      const reader = (stream = new ChunkReader(readable));
      return await uploadChunks(upload, reader, options);
    }
    const continuation = (stream = new StreamContinuation(readable, source.sizeInBytes));
    return await uploadKnownLength(upload, streamWindow(continuation, source.sizeInBytes), options);
  } catch (error) {
    stream?.close();
    await upload.cancel();
    if (options.abortSignal?.aborted && !(error instanceof AbortError)) throw new AbortError("The upload was aborted.");
    throw error;
  }
}

/** The whole blob, hashed in blob order however often a part of it is sent. */
interface WholeWindow extends ByteWindow {
  hasher: UploadDigest;
}

function seekableWindow(source: Extract<UploadSource, { kind: "seekable" }>): WholeWindow {
  const hasher = source.registryCheckedDigest ? new KnownBlobDigest(source.registryCheckedDigest) : new BlobHasher();
  return {
    start: 0,
    end: source.sizeInBytes,
    whole: true,
    hasher,
    canSendFrom: () => true,
    bodyFrom: (offset, onChunk) =>
      source.bodyFrom(offset, (position, bytes) => {
        hasher.update(position, bytes);
        onChunk(position, bytes);
      }),
  };
}

function streamWindow(continuation: StreamContinuation, size: number): WholeWindow {
  const hasher = new BlobHasher();
  return {
    start: 0,
    end: size,
    whole: true,
    hasher,
    // What was read from the stream is gone: it goes on only from where it stopped.
    canSendFrom: (offset) => offset === continuation.handedOut,
    bodyFrom: (_offset, onChunk) =>
      continuation.body((position, bytes) => {
        hasher.update(position, bytes);
        onChunk(position, bytes);
      }),
  };
}

async function uploadKnownLength(upload: ResumableUpload, window: WholeWindow, options: UploadRequestOptions): Promise<StoredBlob> {
  const size = window.end;
  /** The digest of every byte, checked against the caller's; undefined until all are hashed. */
  const digestSoFar = (): string | undefined => {
    if (window.hasher.hashedBytes !== size) return undefined;
    const digest = window.hasher.digestOf(size);
    if (options.digest !== undefined) assertDigestMatches("The uploaded content", options.digest, digest);
    return digest;
  };
  if (options.digest !== undefined && size > 0) {
    const stored = await upload.putWhole(window, options.digest, () => void digestSoFar());
    if (stored) return { digest: options.digest, sizeInBytes: size };
  }
  const finish = (): string => digestSoFar() ?? window.hasher.digestOf(size);
  await upload.sendWindow(window, finish);
  return { digest: finish(), sizeInBytes: size };
}

/** One chunk of a stream of unknown length, in memory: any part of it can be sent again. */
function chunkWindow(chunk: Buffer, start: number, last: boolean): ByteWindow {
  return {
    start,
    end: start + chunk.length,
    // A blob that fits in its first chunk goes like a whole-body upload; otherwise each PATCH says where it lands.
    whole: start === 0 && last,
    canSendFrom: () => true,
    bodyFrom: (offset, onChunk): Readable => new BufferBody(chunk, offset - start, start, onChunk),
  };
}

async function uploadChunks(upload: ResumableUpload, reader: ChunkReader, options: UploadRequestOptions): Promise<StoredBlob> {
  const chunkBytes = Math.max(options.chunkSizeInBytes, upload.minChunkBytes ?? 0);
  for (;;) {
    const start = upload.offset;
    // A stalled source must not hold up an abort. The chunk is valid until the next read: it is
    // acknowledged by the registry before that.
    const chunk = await raceAbort(reader.read(chunkBytes), options.abortSignal);
    const window = chunkWindow(chunk, start, reader.ended);
    if (!reader.ended) {
      await upload.sendWindow(window);
      continue;
    }
    const finish = (): string => {
      const digest = reader.digest();
      if (options.digest !== undefined) assertDigestMatches("The uploaded content", options.digest, digest);
      return digest;
    };
    await upload.sendWindow(window, finish);
    return { digest: finish(), sizeInBytes: window.end };
  }
}
