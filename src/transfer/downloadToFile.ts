import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import { randomBytes } from "node:crypto";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import type { Readable } from "node:stream";
import { BlobDownload, type BlobDownloadOptions } from "./blobDownload.js";
import type { OpenedBlob } from "./openedBlob.js";
import { StagedFileWriter } from "./stagedFileWriter.js";
import { IdleTimer } from "./idleTimer.js";
import { transferStalledError } from "../errors/transferErrors.js";
import { isZeroCopyBody, type BodySink } from "../http/zeroCopyBody.js";

/**
 * Downloads a blob into `filePath` through a temporary file beside it (`<file>.<random>.partial`,
 * in the same folder so that the final rename is atomic), renamed onto `filePath` only once the
 * whole blob has hashed to its digest. On any failure the temporary file is removed and `filePath`
 * is left as it was. Resolves with the blob's size.
 *
 * Each response body is hashed and staged for writing as it arrives: straight from the socket's
 * read buffers when the body supports it (see StaticBufferHttpClient), else chunk by chunk.
 */
export async function downloadToFile(filePath: string, first: OpenedBlob, options: BlobDownloadOptions): Promise<number> {
  const temporaryPath = `${filePath}.${randomBytes(6).toString("hex")}.partial`;
  let file: FileHandle;
  try {
    file = await open(temporaryPath, "wx");
  } catch (error) {
    (first.body as Partial<Readable>).destroy?.();
    throw error;
  }
  try {
    const download = new BlobDownload(options, first);
    await transfer(download, first, file, options);
    await file.close();
    await rename(temporaryPath, filePath);
    return download.offset;
  } catch (error) {
    // The failure to report is the download's; the temporary file goes in any case.
    await file.close().catch(() => undefined);
    await rm(temporaryPath, { force: true });
    throw error;
  }
}

/** Writes the blob's bytes to `file`, resuming dropped connections, and checks the digest at the end. */
async function transfer(download: BlobDownload, first: OpenedBlob, file: FileHandle, options: BlobDownloadOptions): Promise<void> {
  const writer = new StagedFileWriter(file);
  const sink: BodySink = (chunk) => {
    const bytes = download.accept(chunk);
    return bytes.length > 0 ? writer.write(bytes) : undefined;
  };
  let opened = first;
  for (;;) {
    const stalled = (): Error => transferStalledError(`Blob download at byte ${download.offset}`, options.idleTimeoutInMs);
    const dropped = await drain(opened.body, sink, { ...options, stalled }).then(
      () => download.shortfall(),
      (error: Error) => error,
    );
    // A failed write is the file's problem, not the connection's: no resume.
    writer.check();
    if (!dropped) break;
    opened = await download.resume(dropped);
  }
  await writer.end();
  const mismatch = download.verify();
  if (mismatch) throw mismatch;
}

export interface DrainOptions {
  abortSignal?: AbortSignalLike;
  idleTimeoutInMs: number;
  /** The error a body that stalled fails with. */
  stalled: () => Error;
}

/**
 * Hands one response body to `sink`. An abort destroys the body, which then fails; so does a body
 * that delivers nothing for `idleTimeoutInMs` (time spent waiting on the file does not count).
 */
export async function drain(body: NodeJS.ReadableStream, sink: BodySink, options: DrainOptions): Promise<void> {
  const { abortSignal } = options;
  const fail = (error: Error): void => {
    (body as Partial<Readable>).destroy?.(error);
  };
  const onAbort = (): void => fail(new AbortError("The download was aborted."));
  const idle = new IdleTimer(options.idleTimeoutInMs, () => fail(options.stalled()));
  const watched: BodySink = (chunk) => {
    idle.touch();
    const writing = sink(chunk);
    if (!writing) return undefined;
    idle.hold();
    return writing.finally(() => idle.release());
  };
  abortSignal?.addEventListener("abort", onAbort);
  try {
    if (abortSignal?.aborted) onAbort();
    if (isZeroCopyBody(body)) {
      await body.drainInto(watched);
    } else {
      // Another HttpClient's body (a proxy, chunked framing, the caller's own client): its chunks are ours to keep.
      for await (const chunk of body) await watched(chunk as Buffer);
    }
  } finally {
    idle.stop();
    abortSignal?.removeEventListener("abort", onAbort);
  }
}
