import { Readable, Writable } from "node:stream";
import type { BlobStore, ByteRange } from "./blobStore.js";

/** A blob kept as the chunks it arrived in: concatenating would double peak memory. */
interface Chunks {
  parts: Buffer[];
  size: number;
}

function* slices(chunks: Chunks, range: ByteRange): Generator<Buffer> {
  let position = 0;
  for (const part of chunks.parts) {
    const partEnd = position + part.length;
    if (partEnd > range.start && position <= range.end) {
      yield part.subarray(Math.max(0, range.start - position), Math.min(part.length, range.end + 1 - position));
    }
    position = partEnd;
    if (position > range.end) return;
  }
}

export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Chunks>();
  private readonly uploads = new Map<string, Chunks>();

  async size(digest: string): Promise<number | undefined> {
    return this.blobs.get(digest)?.size;
  }

  read(digest: string, range?: ByteRange): Readable {
    const chunks = this.blobs.get(digest);
    if (!chunks) throw new Error(`blob ${digest} is not stored`);
    return Readable.from(slices(chunks, range ?? { start: 0, end: chunks.size - 1 }), { objectMode: false });
  }

  async readAll(digest: string): Promise<Buffer> {
    const chunks = this.blobs.get(digest);
    if (!chunks) throw new Error(`blob ${digest} is not stored`);
    return Buffer.concat(chunks.parts);
  }

  async write(digest: string, content: Uint8Array): Promise<void> {
    this.blobs.set(digest, { parts: [Buffer.from(content)], size: content.length });
  }

  async delete(digest: string): Promise<void> {
    this.blobs.delete(digest);
  }

  async createUpload(id: string): Promise<void> {
    this.uploads.set(id, { parts: [], size: 0 });
  }

  uploadSink(id: string): Writable {
    const upload = this.upload(id);
    return new Writable({
      write(chunk: Buffer, _encoding, callback) {
        upload.parts.push(chunk);
        upload.size += chunk.length;
        callback();
      },
    });
  }

  async truncateUpload(id: string, size: number): Promise<void> {
    const upload = this.upload(id);
    upload.parts = [...slices(upload, { start: 0, end: size - 1 })];
    upload.size = size;
  }

  async commitUpload(id: string, digest: string): Promise<void> {
    const upload = this.upload(id);
    this.uploads.delete(id);
    if (!this.blobs.has(digest)) this.blobs.set(digest, upload);
  }

  async removeUpload(id: string): Promise<void> {
    this.uploads.delete(id);
  }

  private upload(id: string): Chunks {
    const upload = this.uploads.get(id);
    if (!upload) throw new Error(`upload ${id} does not exist`);
    return upload;
  }
}
