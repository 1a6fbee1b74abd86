import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import { isRestError, type HttpClient } from "@azure/core-rest-pipeline";
import type { OperationOptions } from "@azure/core-client";
import { logger } from "../diagnostics/logger.js";
import { redactUrl } from "../diagnostics/redaction.js";
import { sendFollowingRedirects, sendToRedirectTarget } from "../http/redirects.js";
import type { RawRequest, RegistryTransport } from "../http/registryTransport.js";
import { KnownContainerRegistryErrorCode } from "../errors/errorCodes.js";
import { stalledUnlessAborted } from "../errors/transferErrors.js";
import { positionOf, type BlobOpener, type OpenedBlob } from "./openedBlob.js";
import { DEFAULT_RETRY_SETTINGS, RetryBackoff } from "./retryBackoff.js";

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

/** Attempts to reopen a blob, counted from the last byte received, spaced by the shared {@link RetryBackoff}. */
export class ResumeBackoff {
  private readonly backoff: RetryBackoff;

  constructor(private readonly settings: { maxResumeAttempts: number; resumeDelayInMs: number; abortSignal?: AbortSignalLike }) {
    this.backoff = new RetryBackoff({
      maxRetries: settings.maxResumeAttempts,
      retryDelayInMs: settings.resumeDelayInMs,
      maxRetryDelayInMs: DEFAULT_RETRY_SETTINGS.maxRetryDelayInMs,
      abortSignal: settings.abortSignal,
    });
  }

  /** A new byte arrived: the next drop starts counting afresh. */
  progressed(): void {
    this.backoff.progressed();
  }

  /**
   * Reopens the blob at `offset` after the connection dropped with `cause`. Rejects with `cause`
   * once the attempts are spent, with an AbortError when aborted, and with an opening failure that
   * asking again will not change (a 4xx other than 408 and 429).
   */
  async reopen(cause: Error, offset: number, open: BlobOpener): Promise<OpenedBlob> {
    const { abortSignal } = this.settings;
    for (;;) {
      if (abortSignal?.aborted) throw new AbortError("The download was aborted.");
      const attempt = this.backoff.failuresInARow + 1;
      logger.info(`Blob download interrupted at byte ${offset} (${cause.message}); resuming (attempt ${attempt})`);
      await this.backoff.pause(cause);
      try {
        return await open(offset, abortSignal);
      } catch (error) {
        if (isPermanent(error) || abortSignal?.aborted) throw error;
        cause = error as Error;
      }
    }
  }
}

/** What the GETs of a download carry besides the URL. */
export interface BlobOpenerOptions {
  tracingOptions?: OperationOptions["tracingOptions"];
  /** The last hop of the GETs instead of the transport's shared client. */
  httpClient?: HttpClient;
  /** How long a GET may wait for its response head (0: forever); longer is a TransferStalled failure. */
  idleTimeoutInMs: number;
}

/**
 * Opens a blob at an offset through the registry, following its redirects without credentials.
 * A resume first goes back to the URL the registry redirected to (it is signed and skips the
 * registry), then to the registry when that fails; after a stall there, the next resume asks the
 * registry straight away.
 */
export function resumingBlobOpener(transport: RegistryTransport, blobUrl: string, options: BlobOpenerOptions): BlobOpener {
  let redirectedUrl: string | undefined;
  const { idleTimeoutInMs } = options;
  return async (offset, abortSignal) => {
    const request: RawRequest = {
      method: "GET",
      url: blobUrl,
      headers: { Accept: "application/octet-stream", ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}) },
      streamStatuses: [200, 206],
      abortSignal,
      tracingOptions: options.tracingOptions,
      httpClient: options.httpClient,
      timeout: idleTimeoutInMs,
    };
    const stalled = (error: unknown): unknown => stalledUnlessAborted(error, abortSignal, `GET of the blob at byte ${offset}`, idleTimeoutInMs);
    if (redirectedUrl && offset > 0) {
      try {
        return positionOf(await sendToRedirectTarget(transport, redirectedUrl, request), offset);
      } catch (error) {
        const failure = stalled(error);
        if (abortSignal?.aborted) throw failure;
        const previous = redirectedUrl;
        redirectedUrl = undefined;
        if (isRestError(failure) && failure.code === KnownContainerRegistryErrorCode.TransferStalled) throw failure;
        logger.info(`Resuming from ${redactUrl(previous)} failed (${(failure as Error).message}); asking the registry again`);
      }
    }
    try {
      const followed = await sendFollowingRedirects(transport, request);
      redirectedUrl = followed.redirectedUrl;
      return positionOf(followed.response, offset);
    } catch (error) {
      throw stalled(error);
    }
  };
}

/**
 * Opens a blob at its first byte. A GET that stalled before its response head is tried again as a
 * resume would be; any other failure is the caller's (the pipeline already retried it).
 */
export async function openFirst(options: { open: BlobOpener; maxResumeAttempts: number; resumeDelayInMs: number; abortSignal?: AbortSignalLike }): Promise<OpenedBlob> {
  try {
    return await options.open(0, options.abortSignal);
  } catch (error) {
    if (!isRestError(error) || error.code !== KnownContainerRegistryErrorCode.TransferStalled) throw error;
    return new ResumeBackoff(options).reopen(error, 0, options.open);
  }
}
