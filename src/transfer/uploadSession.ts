import type { PipelineResponse } from "@azure/core-rest-pipeline";
import type { OperationTracingOptions } from "@azure/core-tracing";
import type { AbortSignalLike } from "@azure/abort-controller";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { logger } from "../diagnostics/logger.js";
import { redactUrl } from "../diagnostics/redaction.js";
import { throwIfAborted } from "../errors/abort.js";
import { ensureStatus, type RawRequest, type RegistryTransport } from "../http/registryTransport.js";
import { assertDigestMatches } from "./digest.js";
import type { BlobTransferProgress } from "./models.js";
import { chunkMinLength, nextUploadUrl, withQueryParameter } from "./uploadLocation.js";

export const OCTET_STREAM = "application/octet-stream";

/** What an upload was asked to do. */
export interface UploadRequestOptions {
  repositoryName: string;
  chunkSizeInBytes: number;
  /** Digest the caller announced; enables the two-request monolithic upload for sources of known length. */
  digest?: string;
  abortSignal?: AbortSignalLike;
  tracingOptions?: OperationTracingOptions;
  onProgress?: (progress: BlobTransferProgress) => void;
}

/**
 * Cancels an upload session (`DELETE <location>`), best effort: a session left open only costs the
 * registry storage until it expires. Not bound to the caller's signal: an aborted upload is exactly
 * when the session must go.
 */
export async function cancelUploadSession(transport: RegistryTransport, url: string, tracingOptions?: OperationTracingOptions): Promise<void> {
  try {
    const response = await transport.send({ method: "DELETE", url, tracingOptions });
    logger.info(`Cancelled upload session ${redactUrl(url)}: ${response.status}`);
  } catch (error) {
    logger.warning(`Could not cancel upload session ${redactUrl(url)}: ${(error as Error).message}`);
  }
}

/** One upload session: the URL it continues at, and what it takes to send and finish it. */
export class UploadSession {
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

  /** Cancels the session unless it was completed (see {@link cancelUploadSession}). */
  async cancel(): Promise<void> {
    if (!this.url) return;
    const url = this.url;
    this.url = "";
    await cancelUploadSession(this.transport, url, this.options.tracingOptions);
  }
}

