import { createHash, randomUUID, type Hash } from "node:crypto";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { blobUploadInvalid, blobUploadUnknown, digestInvalid, RegistryError, sizeInvalid } from "./errors.js";
import type { BlobStore } from "./storage/blobStore.js";

export interface UploadSession {
  readonly id: string;
  readonly repository: string;
  readonly startedAt: string;
  /** Bytes received so far. */
  offset: number;
  /** Running sha256 of those bytes: the digest is checked without reading the data back. */
  hash: Hash;
  busy: boolean;
}

/** Upload sessions (`/v2/<name>/blobs/uploads/<uuid>`): data streams to storage, hashed on the way. */
export class Uploads {
  private readonly sessions = new Map<string, UploadSession>();

  constructor(private readonly store: BlobStore) {}

  async start(repository: string): Promise<UploadSession> {
    const session: UploadSession = {
      id: randomUUID(),
      repository,
      startedAt: new Date().toISOString(),
      offset: 0,
      hash: createHash("sha256"),
      busy: false,
    };
    await this.store.createUpload(session.id);
    this.sessions.set(session.id, session);
    return session;
  }

  get(repository: string, id: string): UploadSession {
    const session = this.sessions.get(id);
    if (!session || session.repository !== repository) throw blobUploadUnknown();
    return session;
  }

  /**
   * Appends a request body. `expectedLength` (from Content-Range / Content-Length) is enforced;
   * a failed chunk is rolled back, data and hash state, so the client can retry it.
   */
  async append(session: UploadSession, source: Readable, expectedLength?: number): Promise<void> {
    if (session.busy) throw blobUploadInvalid("another request is writing to this upload");
    session.busy = true;
    const start = session.offset;
    const saved = session.hash.copy();
    let received = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        session.hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, hashing, this.store.uploadSink(session.id));
      if (expectedLength !== undefined && received !== expectedLength) {
        throw sizeInvalid(`received ${received} bytes, ${expectedLength} announced`);
      }
      session.offset = start + received;
    } catch (error) {
      await this.store.truncateUpload(session.id, start);
      session.hash = saved;
      throw error instanceof RegistryError ? error : blobUploadInvalid("the request body was interrupted");
    } finally {
      session.busy = false;
    }
  }

  /** Checks the digest and moves the data to its content address; the session ends either way on success. */
  async complete(session: UploadSession, digest: string): Promise<void> {
    const actual = `sha256:${session.hash.copy().digest("hex")}`;
    if (actual !== digest) throw digestInvalid(`uploaded content has digest ${actual}`);
    this.sessions.delete(session.id);
    if ((await this.store.size(digest)) === undefined) await this.store.commitUpload(session.id, digest);
    else await this.store.removeUpload(session.id);
  }

  async cancel(session: UploadSession): Promise<void> {
    this.sessions.delete(session.id);
    await this.store.removeUpload(session.id);
  }

  async cancelAll(): Promise<void> {
    for (const session of [...this.sessions.values()]) await this.cancel(session);
  }
}
