import type { PipelineResponse } from "@azure/core-rest-pipeline";
import type { OperationTracingOptions } from "@azure/core-tracing";
import type { AbortSignalLike } from "@azure/abort-controller";
import type { Readable } from "node:stream";
import { logger } from "../diagnostics/logger.js";
import { redactUrl } from "../diagnostics/redaction.js";
import { throwIfAborted } from "../errors/abort.js";
import { restErrorFromResponse } from "../errors/registryErrors.js";
import { stalledUnlessAborted } from "../errors/transferErrors.js";
import { ensureStatus, type RawRequest, type RegistryTransport } from "../http/registryTransport.js";
import type { BodyChunkListener } from "./bufferBody.js";
import { assertDigestMatches } from "./digest.js";
import type { BlobTransferProgress } from "./models.js";
import type { RetrySettings } from "./retryBackoff.js";
import { sendBody } from "./uploadBody.js";
import { chunkMinLength, nextUploadUrl, parseUploadRange, withQueryParameter } from "./uploadLocation.js";

export const OCTET_STREAM = "application/octet-stream";

/** A cancel is housekeeping: it never holds a failed upload up for long, whatever the idle timeout. */
const CANCEL_TIMEOUT_MS = 10_000;

/** What an upload was asked to do. */
export interface UploadRequestOptions {
  repositoryName: string;
  chunkSizeInBytes: number;
  /** Digest the caller announced; enables the two-request monolithic upload for sources of known length. */
  digest?: string;
  /** A request that moves no byte for this long is given up (and the upload resumed); 0: never. */
  idleTimeoutInMs: number;
  /** How failures in a row are retried: the client's `retryOptions`. */
  retry: RetrySettings;
  abortSignal?: AbortSignalLike;
  tracingOptions?: OperationTracingOptions;
  onProgress?: (progress: BlobTransferProgress) => void;
}

/** Where an upload session stands, as the registry answers `GET <location>`. */
export type SessionStatus = { offset: number } | "lost";

/**
 * Sends a request of an upload session. The registry's own origin gets the client's pipeline;
 * another host (a `Location` pointing elsewhere) the anonymous one: no credential, no header of the
 * caller's own policies, only those the protocol needs, which are all the request carries.
 */
function sendSessionRequest(transport: RegistryTransport, request: RawRequest, oneShot: boolean): Promise<PipelineResponse> {
  const sameOrigin = new URL(request.url).origin === new URL(transport.endpoint).origin;
  if (sameOrigin) return oneShot ? transport.sendOnce(request) : transport.send(request);
  return oneShot ? transport.sendOnceAnonymously(request) : transport.sendAnonymously(request);
}

/**
 * Cancels an upload session (`DELETE <location>`), best effort: a session left open only costs the
 * registry storage until it expires. A registry may refuse (the CNCF registry does for a session
 * it invalidated after a cut request): that is logged at the verbose level, never thrown. Not bound
 * to the caller's signal: an aborted upload is exactly when the session must go.
 */
export async function cancelUploadSession(
  transport: RegistryTransport,
  url: string,
  options: { tracingOptions?: OperationTracingOptions; idleTimeoutInMs?: number } = {},
): Promise<void> {
  const timeout = Math.min(options.idleTimeoutInMs || CANCEL_TIMEOUT_MS, CANCEL_TIMEOUT_MS);
  try {
    const response = await sendSessionRequest(transport, { method: "DELETE", url, tracingOptions: options.tracingOptions, timeout }, false);
    if (response.status >= 200 && response.status < 300) logger.info(`Cancelled upload session ${redactUrl(url)}: ${response.status}`);
    else logger.verbose(`The registry refused to cancel upload session ${redactUrl(url)}: ${restErrorFromResponse(response).message}`);
  } catch (error) {
    logger.verbose(`Could not cancel upload session ${redactUrl(url)}: ${(error as Error).message}`);
  }
}

/** One upload session: the URL it continues at, and the requests that move it on. */
export class UploadSession {
  url: string;
  readonly minChunkBytes?: number;

  private constructor(
    readonly transport: RegistryTransport,
    private readonly options: UploadRequestOptions,
    started: PipelineResponse,
  ) {
    this.url = nextUploadUrl(started);
    this.minChunkBytes = chunkMinLength(started);
  }

  /** Opens a session (`POST`, bodiless: a challenge is answered before any byte of a one-shot stream goes). */
  static async open(transport: RegistryTransport, options: UploadRequestOptions): Promise<UploadSession> {
    const url = `${transport.endpoint}/v2/${options.repositoryName}/blobs/uploads/`;
    const response = await sendBodiless(transport, options, { method: "POST", url }, "Opening an upload session");
    return new UploadSession(transport, options, ensureStatus(response, [202]));
  }

  /** Sends `[offset, ...)` of the blob in one request; the body comes from `openBody` (see uploadBody.ts). */
  async send(
    method: "PATCH" | "PUT",
    url: string,
    headers: Record<string, string>,
    openBody: (onChunk: BodyChunkListener) => Readable,
  ): Promise<PipelineResponse> {
    throwIfAborted(this.options.abortSignal);
    return sendBody(
      (request) => sendSessionRequest(this.transport, { ...request, url, tracingOptions: this.options.tracingOptions }, true),
      { method, headers, openBody, idleTimeoutInMs: this.options.idleTimeoutInMs, abortSignal: this.options.abortSignal },
    );
  }

  /** `GET <location>`: the bytes the registry holds, or "lost" when it no longer knows the session (404). */
  async status(): Promise<SessionStatus> {
    const response = await sendBodiless(this.transport, this.options, { method: "GET", url: this.url }, "Asking where the upload stands");
    if (response.status === 404) {
      logger.info(`Upload session ${redactUrl(this.url)} is gone: ${restErrorFromResponse(response).message}`);
      return "lost";
    }
    ensureStatus(response, [200, 204]);
    const offset = parseUploadRange(response.headers.get("range"));
    // No Range: the session cannot tell what it holds, so it is no base to go on from.
    if (offset === undefined) return "lost";
    this.url = nextUploadUrl(response);
    return { offset };
  }

  /** `PUT ?digest=`, bodiless: closes the session; the registry must confirm the digest computed here. */
  async complete(digest: string): Promise<void> {
    const url = withQueryParameter(this.url, "digest", digest);
    const headers = { "Content-Type": OCTET_STREAM, "Content-Length": "0" };
    const response = ensureStatus(await sendBodiless(this.transport, this.options, { method: "PUT", url, headers }, "Completing the upload"), [201, 204]);
    this.url = "";
    confirmDigest(response, digest);
  }

  /** Cancels the session unless it was completed (see {@link cancelUploadSession}). */
  async cancel(): Promise<void> {
    if (!this.url) return;
    const url = this.url;
    this.url = "";
    await cancelUploadSession(this.transport, url, this.options);
  }
}

/** A bodiless request of an upload through the retrying pipeline, each attempt waiting at most the idle timeout for its answer. */
async function sendBodiless(
  transport: RegistryTransport,
  options: UploadRequestOptions,
  request: Pick<RawRequest, "method" | "url" | "headers">,
  what: string,
): Promise<PipelineResponse> {
  const { abortSignal, tracingOptions, idleTimeoutInMs } = options;
  throwIfAborted(abortSignal);
  try {
    return await sendSessionRequest(transport, { ...request, abortSignal, tracingOptions, timeout: idleTimeoutInMs }, false);
  } catch (error) {
    throw stalledUnlessAborted(error, abortSignal, what, idleTimeoutInMs);
  }
}

/** A completed upload's `Docker-Content-Digest`, when the registry sends one, must be the digest computed here. */
export function confirmDigest(response: PipelineResponse, digest: string): void {
  const confirmed = response.headers.get("docker-content-digest");
  if (confirmed) assertDigestMatches("The registry stored the blob under another digest", digest, confirmed);
}
