import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import { isRestError, type HttpClient } from "@azure/core-rest-pipeline";
import type { OperationOptions } from "@azure/core-client";
import { delay } from "@azure/core-util";
import { logger } from "../diagnostics/logger.js";
import { redactUrl } from "../diagnostics/redaction.js";
import { sendFollowingRedirects, sendToRedirectTarget } from "../http/redirects.js";
import type { RawRequest, RegistryTransport } from "../http/registryTransport.js";
import { positionOf, type BlobOpener, type OpenedBlob } from "./openedBlob.js";

// How a dropped blob download goes on: where it is reopened (ResumingBlobOpener) and how often and
// how soon (ResumeBackoff).

/** Resume attempts in a row without a new byte before a download fails, unless the caller says otherwise. */
export const DEFAULT_MAX_RESUME_ATTEMPTS = 3;
/** First pause before a resume; doubled on each further attempt in a row. */
export const DEFAULT_RESUME_DELAY_MS = 200;

/** 4xx answers other than timeouts and throttling will not change by asking again. */
function isPermanent(error: unknown): boolean {
  const status = isRestError(error) ? error.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** Attempts to reopen a blob, counted from the last byte received, with a growing pause. */
export class ResumeBackoff {
  private failures = 0;

  constructor(private readonly settings: { maxResumeAttempts: number; resumeDelayInMs: number; abortSignal?: AbortSignalLike }) {}

  /** A new byte arrived: the next drop starts counting afresh. */
  progressed(): void {
    this.failures = 0;
  }

  /**
   * Reopens the blob at `offset` after the connection dropped with `cause`. Rejects with `cause`
   * once the attempts are spent, with an AbortError when aborted, and with an opening failure that
   * asking again will not change (a 4xx other than 408 and 429).
   */
  async reopen(cause: Error, offset: number, open: BlobOpener): Promise<OpenedBlob> {
    const { abortSignal, maxResumeAttempts, resumeDelayInMs } = this.settings;
    for (;;) {
      if (abortSignal?.aborted) throw new AbortError("The download was aborted.");
      if (this.failures >= maxResumeAttempts) throw cause;
      this.failures += 1;
      const wait = resumeDelayInMs * 2 ** (this.failures - 1);
      logger.info(`Blob download interrupted at byte ${offset} (${cause.message}); resuming in ${wait} ms (attempt ${this.failures})`);
      await delay(wait, { abortSignal });
      try {
        return await open(offset, abortSignal);
      } catch (error) {
        if (isPermanent(error) || abortSignal?.aborted) throw error;
        cause = error as Error;
      }
    }
  }
}

/**
 * Opens a blob at an offset through the registry, following its redirects without credentials.
 * A resume first goes back to the URL the registry redirected to (it is signed and skips the
 * registry), then to the registry when that fails.
 * @param httpClient - The last hop of the GETs instead of the transport's shared client.
 */
export function resumingBlobOpener(transport: RegistryTransport, blobUrl: string, options: OperationOptions, httpClient?: HttpClient): BlobOpener {
  let redirectedUrl: string | undefined;
  return async (offset, abortSignal) => {
    const request: RawRequest = {
      method: "GET",
      url: blobUrl,
      headers: { Accept: "application/octet-stream", ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}) },
      streamStatuses: [200, 206],
      abortSignal,
      tracingOptions: options.tracingOptions,
      httpClient,
    };
    if (redirectedUrl && offset > 0) {
      try {
        return positionOf(await sendToRedirectTarget(transport, redirectedUrl, request), offset);
      } catch (error) {
        if (abortSignal?.aborted) throw error;
        logger.info(`Resuming from ${redactUrl(redirectedUrl)} failed (${(error as Error).message}); asking the registry again`);
      }
    }
    const followed = await sendFollowingRedirects(transport, request);
    redirectedUrl = followed.redirectedUrl;
    return positionOf(followed.response, offset);
  };
}
