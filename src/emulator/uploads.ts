import { createHash, randomUUID, type Hash } from "node:crypto";
import type { Readable, Writable } from "node:stream";
import { blobUploadInvalid, blobUploadUnknown, digestInvalid, RegistryError, sizeInvalid } from "./errors.js";
import type { BlobStore } from "./storage/blobStore.js";

export interface UploadSession {
  readonly id: string;
  readonly repository: string;
  readonly startedAt: string;
  /** Bytes stored so far. */
  offset: number;
  /** Running sha256 of exactly those bytes: the digest is checked without reading the data back. */
  hash: Hash;
  /** The request body being stored, while there is one. */
  writing?: { source: Readable; done: Promise<void> };
}

/** Resolves once `sink` accepted `chunk` (for a file: once it is written). */
function write(sink: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => sink.write(chunk, (error) => (error ? reject(error) : resolve())));
}

/** Ends `sink` and waits until it is closed: nothing lands after that. */
function close(sink: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (sink.closed) return resolve();
    sink.once("close", () => resolve());
    sink.once("error", () => undefined);
    sink.end();
  });
}

/**
 * Upload sessions (`/v2/<name>/blobs/uploads/<uuid>`): data streams to storage, hashed on the way.
 *
 * A request body cut part-way leaves the session alive with the bytes that were stored (and only
 * those hashed), as the OCI distribution spec allows: `GET <location>` reports them, and the client
 * goes on from there. A request on a session while an earlier one is still being stored (a client
 * that gave up on it and asks where things stand) ends that earlier one first.
 */
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

  /** Ends the request still being stored on the session, if any, and waits until what it stored is counted. */
  async settle(session: UploadSession): Promise<void> {
    const writing = session.writing;
    if (!writing) return;
    writing.source.destroy();
    await writing.done;
  }

  /**
   * Appends a request body. `expectedLength` (from Content-Range / Content-Length) is enforced: a
   * body that ends at another length contradicts its headers and is rolled back whole, data and
   * hash. A body cut part-way keeps what was stored.
   */
  async append(session: UploadSession, source: Readable, expectedLength?: number): Promise<void> {
    await this.settle(session);
    const done = this.storeBody(session, source, expectedLength);
    session.writing = { source, done: done.then(() => undefined, () => undefined) };
    try {
      await done;
    } finally {
      if (session.writing?.source === source) session.writing = undefined;
    }
  }

  private async storeBody(session: UploadSession, source: Readable, expectedLength?: number): Promise<void> {
    const start = session.offset;
    const saved = session.hash.copy();
    const sink = this.store.uploadSink(session.id);
    let stored = 0;
    try {
      for await (const chunk of source) {
        const bytes = chunk as Buffer;
        if (expectedLength !== undefined && stored + bytes.length > expectedLength) {
          throw sizeInvalid(`received more than the ${expectedLength} bytes announced`);
        }
        await write(sink, bytes);
        // Hashed once stored: the hash covers exactly the bytes a later request builds on.
        session.hash.update(bytes);
        stored += bytes.length;
      }
      if (expectedLength !== undefined && stored !== expectedLength) {
        throw sizeInvalid(`received ${stored} bytes, ${expectedLength} announced`);
      }
      await close(sink);
      session.offset = start + stored;
    } catch (error) {
      await close(sink);
      if (error instanceof RegistryError) {
        await this.store.truncateUpload(session.id, start);
        session.hash = saved;
        throw error;
      }
      // Cut part-way: the bytes stored stay, and the session goes on from them.
      await this.store.truncateUpload(session.id, start + stored);
      session.offset = start + stored;
      throw blobUploadInvalid(`the request body was interrupted after ${stored} bytes, which were kept`);
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
    await this.settle(session);
    this.sessions.delete(session.id);
    await this.store.removeUpload(session.id);
  }

  async cancelAll(): Promise<void> {
    for (const session of [...this.sessions.values()]) await this.cancel(session);
  }
}
