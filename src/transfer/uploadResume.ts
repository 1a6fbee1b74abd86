import { AbortError } from "@azure/abort-controller";
import { isRestError } from "@azure/core-rest-pipeline";
import type { Readable } from "node:stream";
import { logger } from "../diagnostics/logger.js";
import { KnownContainerRegistryErrorCode } from "../errors/errorCodes.js";
import { stalledUnlessAborted, uploadNotResumableError } from "../errors/transferErrors.js";
import type { RegistryTransport } from "../http/registryTransport.js";
import type { BodyChunkListener } from "./bufferBody.js";
import { RetryBackoff } from "./retryBackoff.js";
import { chunkContentRange, nextUploadUrl, withQueryParameter } from "./uploadLocation.js";
import { confirmDigest, OCTET_STREAM, UploadSession, type SessionStatus, type UploadRequestOptions } from "./uploadSession.js";

/** Registry codes that speak of the upload session's state, not of the request: asking where it stands tells what to do. */
const SESSION_CODES = new Set(["BLOB_UPLOAD_UNKNOWN", "BLOB_UPLOAD_INVALID"]);

/**
 * Whether an upload request's failure is worth asking the registry where the session stands: a
 * dropped or stalled connection, a timeout, throttling, a 5xx (core's rule: not 501 or 505), a
 * session the registry lost or invalidated, or a `Content-Range` it did not expect (416). Anything
 * else (the source's own failure, a digest mismatch, 400, 401, 403, 413...) will not change.
 */
export function isResumable(error: unknown): boolean {
  if (!isRestError(error) || error.code === KnownContainerRegistryErrorCode.UploadNotResumable) return false;
  const status = error.statusCode;
  if (status === undefined) return true;
  if (SESSION_CODES.has(error.code ?? "") || status === 416) return true;
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** The bytes of the blob one step of an upload sends: the whole blob, or one chunk of a stream of unknown length. */
export interface ByteWindow {
  /** Offset of the window's first byte in the blob. */
  start: number;
  end: number;
  /** The window is the whole blob: sent from its start, it needs no Content-Range (a "streamed" upload, which every registry accepts). */
  whole: boolean;
  /** Whether the bytes from `offset` to `end` can be sent (again): always in memory or a file, only the unread rest of a one-shot stream. */
  canSendFrom(offset: number): boolean;
  bodyFrom(offset: number, onChunk: BodyChunkListener): Readable;
}

/**
 * An upload that survives its requests' failures (the policy of docs/reliability.md). After a
 * failure worth it ({@link isResumable}), and a pause ({@link RetryBackoff}: `Retry-After`, else
 * exponential), it asks the registry where the session stands (`GET <location>`) and goes on from
 * the bytes the registry holds, when the window can send them again; when the registry lost or
 * invalidated the session, it cancels that one and starts again in a new session, when the blob's
 * bytes can be sent again from the start. Otherwise it fails with `UploadNotResumable`. It gives up
 * after `maxRetries` failures in a row without the registry holding more; every session it leaves
 * behind is cancelled at once.
 */
export class ResumableUpload {
  /** Bytes of the blob the current session holds. */
  offset = 0;
  /**
   * The blob's digest once every byte is hashed and checked. After a failed completion, a blob
   * already stored under it means the upload is done (the registry processed the request; its
   * answer was lost).
   */
  digest?: string;
  private session?: UploadSession;
  /** Bytes handed to the current session's requests: the registry cannot hold more. */
  private handedOut = 0;
  /** The most the registry ever held: holding more is progress, which resets the count of failures. */
  private highest = 0;
  private readonly backoff: RetryBackoff;
  /** `OCI-Chunk-Min-Length` of the first session. */
  minChunkBytes?: number;

  constructor(
    private readonly transport: RegistryTransport,
    private readonly options: UploadRequestOptions,
    /** The blob's size when known: progress reports carry it. */
    private readonly totalBytes?: number,
  ) {
    this.backoff = new RetryBackoff({ ...options.retry, abortSignal: options.abortSignal });
  }

  /** Opens the first session. */
  async start(): Promise<void> {
    for (;;) {
      try {
        await this.openSession();
        this.minChunkBytes = this.session!.minChunkBytes;
        return;
      } catch (error) {
        await this.pauseAfter(error, "opening the upload session");
      }
    }
  }

  /** Sends what the registry lacks of `window`, then, with `finish` (which computes and checks the digest), completes the upload. */
  async sendWindow(window: ByteWindow, finish?: () => string): Promise<void> {
    for (;;) {
      try {
        if (this.offset < window.end) await this.patch(window);
        if (finish) {
          this.digest = finish();
          await this.session!.complete(this.digest);
          this.session = undefined;
        }
        return;
      } catch (error) {
        if ((await this.recover(error, window)) === "stored") return;
      }
    }
  }

  /**
   * The two-request upload: the whole blob in the `PUT ?digest=` that completes the session.
   * Resolves true when the blob is stored; false when the registry was asked where it stands after
   * a failure, and the upload goes on through {@link sendWindow}. `check` throws when the bytes hashed so far show the digest is wrong.
   */
  async putWhole(window: ByteWindow, digest: string, check: () => void): Promise<boolean> {
    try {
      const session = this.session!;
      const headers = { "Content-Type": OCTET_STREAM, "Content-Length": String(window.end) };
      const response = await session.send("PUT", withQueryParameter(session.url, "digest", digest), headers, (onChunk) =>
        window.bodyFrom(0, this.watch(onChunk)),
      );
      check();
      session.url = "";
      this.session = undefined;
      confirmDigest(response, digest);
      return true;
    } catch (error) {
      // A wrong digest is the caller's: it wins over the registry's answer to it (DIGEST_INVALID).
      check();
      return (await this.recover(error, window)) === "stored";
    }
  }

  /** Cancels the session in progress, if any (those left behind were cancelled when they were). */
  async cancel(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.cancel();
  }

  private async patch(window: ByteWindow): Promise<void> {
    const session = this.session!;
    const offset = this.offset;
    const length = window.end - offset;
    const headers: Record<string, string> = { "Content-Type": OCTET_STREAM, "Content-Length": String(length) };
    if (!(window.whole && offset === 0)) headers["Content-Range"] = chunkContentRange(offset, length);
    const response = await session.send("PATCH", session.url, headers, (onChunk) => window.bodyFrom(offset, this.watch(onChunk)));
    session.url = nextUploadUrl(response);
    this.offset = window.end;
    this.progressed(window.end);
  }

  /** The listener of a request body: the request's own (idle timer), what was handed out, the caller's progress. */
  private watch(onChunk: BodyChunkListener): BodyChunkListener {
    return (position, bytes) => {
      onChunk(position, bytes);
      const end = position + bytes.length;
      if (end > this.handedOut) this.handedOut = end;
      this.options.onProgress?.({ loadedBytes: end, totalBytes: this.totalBytes });
    };
  }

  private progressed(held: number): void {
    if (held <= this.highest) return;
    this.highest = held;
    this.backoff.progressed();
  }

  /** Waits before the next attempt after `error`, or rethrows it when it is not worth one or the attempts are spent. */
  private async pauseAfter(error: unknown, step: string): Promise<void> {
    if (this.options.abortSignal?.aborted) throw new AbortError("The upload was aborted.");
    if (!isResumable(error)) throw error;
    const attempt = this.backoff.failuresInARow + 1;
    const waited = await this.backoff.pause(error);
    logger.info(`Upload to ${this.options.repositoryName}: ${step} failed (${(error as Error).message}); trying again after ${waited} ms (attempt ${attempt})`);
  }

  /** After `error`: where the upload goes on from (see the class comment), or "stored" when it turns out to be done. */
  private async recover(error: unknown, window: ByteWindow): Promise<"retry" | "stored"> {
    let cause = error;
    for (;;) {
      await this.pauseAfter(cause, "a request");
      try {
        if (this.digest !== undefined && (await this.isStored(this.digest))) {
          await this.cancel();
          return "stored";
        }
        if (!this.session) {
          await this.openSession();
          return "retry";
        }
        const status = await this.session.status();
        const next = this.resumeOffset(status, window, cause);
        if (next === "new session") {
          await this.cancel();
          await this.openSession();
        } else {
          this.offset = next;
          this.progressed(next);
        }
        return "retry";
      } catch (failure) {
        cause = failure;
      }
    }
  }

  /** Where the window goes on from, after `status`; throws when it cannot go on at all. */
  private resumeOffset(status: SessionStatus, window: ByteWindow, cause: unknown): number | "new session" {
    // A session that lost bytes it acknowledged, or claims more than it was sent, is no base either.
    if (status === "lost" || status.offset < window.start || status.offset > this.handedOut) {
      if (window.start > 0 || !window.canSendFrom(0)) {
        const what = window.start > 0 ? "earlier chunks of the stream" : "the bytes already read from the stream";
        throw uploadNotResumableError(`the registry lost the upload session, and ${what} cannot be read again`, cause);
      }
      logger.info(`Upload to ${this.options.repositoryName}: the registry lost the session; starting a new one`);
      return "new session";
    }
    if (!window.canSendFrom(status.offset)) {
      throw uploadNotResumableError(`the registry holds ${status.offset} of the ${this.handedOut} bytes already read from the stream, which cannot be read again`, cause);
    }
    logger.info(`Upload to ${this.options.repositoryName}: the registry holds ${status.offset} bytes; resuming from there`);
    return status.offset;
  }

  private async openSession(): Promise<void> {
    this.session = await UploadSession.open(this.transport, this.options);
    this.offset = 0;
    this.handedOut = 0;
  }

  /** Whether the registry already has the blob: the completion it was sent went through. */
  private async isStored(digest: string): Promise<boolean> {
    const url = `${this.transport.endpoint}/v2/${this.options.repositoryName}/blobs/${digest}`;
    const { abortSignal, tracingOptions, idleTimeoutInMs } = this.options;
    try {
      const response = await this.transport.send({ method: "HEAD", url, abortSignal, tracingOptions, timeout: idleTimeoutInMs });
      return response.status === 200 || response.status === 307;
    } catch (error) {
      throw stalledUnlessAborted(error, abortSignal, "Checking whether the blob is stored", idleTimeoutInMs);
    }
  }
}
