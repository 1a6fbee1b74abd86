import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import type { OperationTracingOptions } from "@azure/core-tracing";
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { logger } from "../logger.js";
import { raceAbort, throwIfAborted } from "../utils/abort.js";
import { redactUrl } from "../utils/sanitize.js";
import { ChunkReader } from "./chunks.js";
import { assertDigestMatches } from "./digest.js";
import { chunkContentRange, chunkMinLength, nextUploadUrl, withQueryParameter } from "./location.js";
import type { BlobTransferProgress, UploadBlobResult } from "./models.js";
import type { UploadSource } from "./source.js";
import { ensureStatus, type RawRequest, type RegistryTransport } from "./transport.js";

/** Chunk size for streams of unknown length; see docs/content.md for the measurements behind it. */
export const DEFAULT_UPLOAD_CHUNK_BYTES = 16 * 1024 * 1024;

interface UploadRequestOptions {
  repositoryName: string;
  chunkSizeInBytes: number;
  /** Digest the caller announced; enables the two-request monolithic upload for sources of known length. */
  digest?: string;
  abortSignal?: AbortSignalLike;
  tracingOptions?: OperationTracingOptions;
  onProgress?: (progress: BlobTransferProgress) => void;
}

const OCTET_STREAM = "application/octet-stream";

/** One upload session: the URL it continues at, and what it takes to send and finish it. */
class UploadSession {
  url: string;
  readonly minChunkBytes?: number;

  constructor(
    readonly transport: RegistryTransport,
    private readonly options: UploadRequestOptions,
    started: PipelineResponse,
  ) {
    this.url = nextUploadUrl(started);
    this.minChunkBytes = chunkMinLength(started);
  }

  request(method: RawRequest["method"], url: string, extra: Partial<RawRequest> = {}): RawRequest {
    return { method, url, abortSignal: this.options.abortSignal, tracingOptions: this.options.tracingOptions, ...extra };
  }

  /**
   * Sends a request whose body is a one-shot stream, exactly once. The body's own failure (a
   * source that errors or yields the wrong length) aborts the request and is what gets thrown.
   */
  async sendStreaming(
    method: "PATCH" | "PUT",
    url: string,
    body: Readable,
    headers: Record<string, string>,
    onUploadProgress?: RawRequest["onUploadProgress"],
  ): Promise<PipelineResponse> {
    throwIfAborted(this.options.abortSignal);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    this.options.abortSignal?.addEventListener("abort", onAbort);
    let bodyError: unknown;
    const bodyDone = finished(body).catch((error: unknown) => {
      bodyError = error;
      controller.abort();
    });
    try {
      const response = await this.transport.sendOnce(this.request(method, url, { body, headers, onUploadProgress, abortSignal: controller.signal }));
      if (response.status >= 200 && response.status < 300) await bodyDone;
      if (bodyError !== undefined) throw bodyError;
      return response;
    } catch (error) {
      throw bodyError ?? error;
    } finally {
      this.options.abortSignal?.removeEventListener("abort", onAbort);
      if (!body.readableEnded) body.destroy();
    }
  }

  async complete(digest: string): Promise<void> {
    const url = withQueryParameter(this.url, "digest", digest);
    const response = ensureStatus(
      await this.transport.send(this.request("PUT", url, { headers: { "Content-Type": OCTET_STREAM, "Content-Length": "0" } })),
      [201, 204],
    );
    this.url = "";
    const confirmed = response.headers.get("docker-content-digest");
    if (confirmed) assertDigestMatches("The registry stored the blob under another digest", digest, confirmed);
  }

  /** Best effort: a session left open only costs the registry storage until it expires. */
  async cancel(): Promise<void> {
    if (!this.url) return;
    const url = this.url;
    this.url = "";
    try {
      // Not bound to the caller's signal: an aborted upload is exactly when the session must go.
      const response = await this.transport.send({ method: "DELETE", url, tracingOptions: this.options.tracingOptions });
      logger.info(`Cancelled upload session ${redactUrl(url)}: ${response.status}`);
    } catch (error) {
      logger.warning(`Could not cancel upload session ${redactUrl(url)}: ${(error as Error).message}`);
    }
  }
}

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
export async function uploadBlob(transport: RegistryTransport, source: UploadSource, options: UploadRequestOptions): Promise<UploadBlobResult> {
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

async function uploadWhole(session: UploadSession, source: UploadSource, size: number, options: UploadRequestOptions): Promise<UploadBlobResult> {
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

async function uploadChunks(session: UploadSession, source: UploadSource, options: UploadRequestOptions): Promise<UploadBlobResult> {
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
