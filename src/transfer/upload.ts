import { AbortError } from "@azure/abort-controller";
import { finished } from "node:stream/promises";
import { raceAbort, throwIfAborted } from "../errors/abort.js";
import { ensureStatus, type RegistryTransport } from "../http/registryTransport.js";
import { ChunkReader } from "./chunkReader.js";
import { assertDigestMatches } from "./digest.js";
import type { StoredBlob } from "./models.js";
import { chunkContentRange, nextUploadUrl, withQueryParameter } from "./uploadLocation.js";
import { OCTET_STREAM, UploadSession, type UploadRequestOptions } from "./uploadSession.js";
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
 * Any failure after the session is opened (including an abort) cancels the session.
 */
export async function uploadBlob(transport: RegistryTransport, source: UploadSource, options: UploadRequestOptions): Promise<StoredBlob> {
  throwIfAborted(options.abortSignal);
  const start = await transport.send({
    method: "POST",
    url: `${transport.endpoint}/v2/${options.repositoryName}/blobs/uploads/`,
    abortSignal: options.abortSignal,
    tracingOptions: options.tracingOptions,
  });
  const session = new UploadSession(transport, options, ensureStatus(start, [202]));
  try {
    const result =
      source.sizeInBytes === undefined
        ? await uploadChunks(session, source, options)
        : await uploadWhole(session, source, source.sizeInBytes, options);
    return result;
  } catch (error) {
    await session.cancel();
    if (options.abortSignal?.aborted && !(error instanceof AbortError)) throw new AbortError("The upload was aborted.");
    throw error;
  }
}

async function uploadWhole(session: UploadSession, source: UploadSource, size: number, options: UploadRequestOptions): Promise<StoredBlob> {
  const report = (loadedBytes: number): void => options.onProgress?.({ loadedBytes, totalBytes: size });
  const body = source.openHashed(size, report);
  const headers = { "Content-Type": OCTET_STREAM, "Content-Length": String(size) };
  if (options.digest !== undefined) {
    const response = await session.sendStreaming("PUT", withQueryParameter(session.url, "digest", options.digest), body, headers);
    if (body.readableEnded) assertDigestMatches("The uploaded content", options.digest, body.digest());
    ensureStatus(response, [201, 204]);
    session.url = "";
    const confirmed = response.headers.get("docker-content-digest");
    if (confirmed) assertDigestMatches("The registry stored the blob under another digest", options.digest, confirmed);
    return { digest: options.digest, sizeInBytes: size };
  }
  if (size > 0) {
    // No Content-Range: a single whole-body PATCH is a "streamed" upload, which every registry accepts.
    const response = ensureStatus(await session.sendStreaming("PATCH", session.url, body, headers), [201, 202, 204]);
    session.url = nextUploadUrl(response);
  } else {
    body.resume();
    await finished(body);
  }
  const digest = body.digest();
  await session.complete(digest);
  return { digest, sizeInBytes: size };
}

async function uploadChunks(session: UploadSession, source: UploadSource, options: UploadRequestOptions): Promise<StoredBlob> {
  const chunkBytes = Math.max(options.chunkSizeInBytes, session.minChunkBytes ?? 0);
  const reader = new ChunkReader(source.open());
  try {
    let offset = 0;
    for (;;) {
      // A stalled source must not hold up an abort.
      const chunk = await raceAbort(reader.read(chunkBytes), options.abortSignal);
      if (chunk.length === 0) break;
      const headers: Record<string, string> = { "Content-Type": OCTET_STREAM, "Content-Length": String(chunk.length) };
      // A blob that fits in its first chunk goes like a whole-body upload; otherwise each PATCH says where it lands.
      if (!(offset === 0 && reader.ended)) headers["Content-Range"] = chunkContentRange(offset, chunk.length);
      const base = offset;
      const onUploadProgress = options.onProgress && (({ loadedBytes }: { loadedBytes: number }) => options.onProgress!({ loadedBytes: base + loadedBytes }));
      // The chunk is a buffer, yet goes out exactly once: a replayed PATCH would land at a stale offset.
      const response = ensureStatus(
        await session.transport.sendOnce(session.request("PATCH", session.url, { body: chunk, headers, onUploadProgress })),
        [201, 202, 204],
      );
      session.url = nextUploadUrl(response);
      offset += chunk.length;
      if (reader.ended) break;
    }
    const digest = reader.digest();
    if (options.digest !== undefined) assertDigestMatches("The uploaded content", options.digest, digest);
    await session.complete(digest);
    return { digest, sizeInBytes: offset };
  } finally {
    if (!reader.ended) reader.close();
  }
}
