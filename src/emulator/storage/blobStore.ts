import type { Readable, Writable } from "node:stream";

/** Inclusive byte range, as in an HTTP `Range` header. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Content-addressed blob storage plus the scratch space of upload sessions.
 * Everything that can be large is a stream: blobs may be several GiB.
 */
export interface BlobStore {
  /** Size in bytes, or undefined when the blob is not stored. */
  size(digest: string): Promise<number | undefined>;
  read(digest: string, range?: ByteRange): Readable;
  /** Whole content of a small blob (manifests, image configs). */
  readAll(digest: string): Promise<Buffer>;
  /** Stores small content whose digest the caller has computed. */
  write(digest: string, content: Uint8Array): Promise<void>;
  delete(digest: string): Promise<void>;

  createUpload(id: string): Promise<void>;
  /** A sink that appends to the upload's data. */
  uploadSink(id: string): Writable;
  /** Drops bytes past `size`, to undo a chunk that failed half way. */
  truncateUpload(id: string, size: number): Promise<void>;
  /** Moves the upload's data to its content address. */
  commitUpload(id: string, digest: string): Promise<void>;
  removeUpload(id: string): Promise<void>;
}
