import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { digestHex } from "../digest.js";
import type { BlobStore, ByteRange } from "./blobStore.js";

/**
 * Blobs on disk, content-addressed like distribution's filesystem driver
 * (`blobs/sha256/<2 hex>/<hex>`); uploads are plain files under `uploads/`.
 */
export class FolderBlobStore implements BlobStore {
  private constructor(private readonly root: string) {}

  static async open(root: string): Promise<FolderBlobStore> {
    // Upload sessions live in memory, so data left by a previous process can never be resumed.
    await rm(join(root, "uploads"), { recursive: true, force: true });
    await mkdir(join(root, "uploads"), { recursive: true });
    await mkdir(join(root, "blobs", "sha256"), { recursive: true });
    return new FolderBlobStore(root);
  }

  async size(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.blobPath(digest))).size;
    } catch {
      return undefined;
    }
  }

  read(digest: string, range?: ByteRange): Readable {
    return createReadStream(this.blobPath(digest), range);
  }

  readAll(digest: string): Promise<Buffer> {
    return readFile(this.blobPath(digest));
  }

  async write(digest: string, content: Uint8Array): Promise<void> {
    const target = this.blobPath(digest);
    await mkdir(join(target, ".."), { recursive: true });
    // Write then rename, so a crash never leaves a truncated file at a content address.
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, content);
    await rename(temporary, target);
  }

  async delete(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  async createUpload(id: string): Promise<void> {
    await writeFile(this.uploadPath(id), new Uint8Array(0));
  }

  uploadSink(id: string): Writable {
    return createWriteStream(this.uploadPath(id), { flags: "a" });
  }

  async truncateUpload(id: string, size: number): Promise<void> {
    await truncate(this.uploadPath(id), size);
  }

  async commitUpload(id: string, digest: string): Promise<void> {
    const target = this.blobPath(digest);
    await mkdir(join(target, ".."), { recursive: true });
    await rename(this.uploadPath(id), target);
  }

  async removeUpload(id: string): Promise<void> {
    await rm(this.uploadPath(id), { force: true });
  }

  private blobPath(digest: string): string {
    const hex = digestHex(digest);
    return join(this.root, "blobs", "sha256", hex.slice(0, 2), hex);
  }

  private uploadPath(id: string): string {
    return join(this.root, "uploads", id);
  }
}
