import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { restErrorFromResponse } from "../errors/registryErrors.js";
import { stalledUnlessAborted, transferStalledError } from "../errors/transferErrors.js";
import type { RawRequest } from "../http/registryTransport.js";
import type { BodyChunkListener } from "./bufferBody.js";
import { IdleTimer } from "./idleTimer.js";

/** Every status: the answer is handed over at its head, so that an early error stops the body (below). */
const EVERY_STATUS = Array.from({ length: 500 }, (_, index) => 100 + index);
/** What is read of an error answer's body: registry error bodies are a few hundred bytes. */
const ERROR_BODY_LIMIT = 64 * 1024;

export interface BodyRequest {
  method: "PATCH" | "PUT";
  headers: Record<string, string>;
  /** Creates the body; it calls `onChunk` as the connection takes each piece. */
  openBody: (onChunk: BodyChunkListener) => Readable;
  idleTimeoutInMs: number;
  abortSignal?: AbortSignalLike;
}

/**
 * Sends one request whose body is streamed, exactly once (the body may be a one-shot stream), and
 * resolves with a 2xx answer; anything else rejects:
 *
 * - the body's own failure (a source that errors or yields the wrong length) aborts the request and
 *   is what gets thrown;
 * - an error answer that arrives while the body is still going (a 503 or a 429 sent at once, a
 *   401, a 413) stops the body there and then (RFC 9112 9.5: keep sending would only waste the
 *   bytes), and becomes the registry's `RestError`;
 * - nothing moving for `idleTimeoutInMs` (the body not taken, no answer after it) aborts the request
 *   with a `TransferStalled` error.
 */
export async function sendBody(send: (request: Omit<RawRequest, "url">) => Promise<PipelineResponse>, request: BodyRequest): Promise<PipelineResponse> {
  const { method, idleTimeoutInMs, abortSignal } = request;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  abortSignal?.addEventListener("abort", onAbort);
  let stalled = false;
  const idle = new IdleTimer(idleTimeoutInMs, () => {
    stalled = true;
    controller.abort();
  });
  let sentUpTo: number | undefined;
  const body = request.openBody((position, bytes) => {
    idle.touch();
    sentUpTo = position + bytes.length;
  });
  let bodyError: unknown;
  let bodyEnded = false;
  const bodyDone = finished(body).then(
    () => {
      bodyEnded = true;
      idle.touch();
    },
    (error: unknown) => {
      bodyError ??= error;
      controller.abort();
    },
  );
  let response: PipelineResponse;
  try {
    try {
      response = await send({ method, body, headers: request.headers, streamStatuses: EVERY_STATUS, abortSignal: controller.signal });
      idle.touch();
      if (response.status >= 200 && response.status < 300) await bodyDone;
    } catch (error) {
      if (bodyError !== undefined) throw bodyError;
      if (stalled) throw transferStalledError(`${method} of the upload${sentUpTo === undefined ? "" : ` after byte ${sentUpTo}`}`, idleTimeoutInMs);
      if (abortSignal?.aborted) throw new AbortError("The upload was aborted.");
      throw stalledUnlessAborted(error, abortSignal, `${method} of the upload`, idleTimeoutInMs);
    }
    if (bodyError !== undefined) throw bodyError;
    if (response.status >= 200 && response.status < 300) {
      response.readableStreamBody?.resume();
      return response;
    }
    // Best effort: the status and headers say what failed; the body only adds the registry's words.
    const text = await readText(response.readableStreamBody).catch(() => undefined);
    // Answered before the body was through: stop sending (the connection goes with it).
    if (!bodyEnded) controller.abort();
    if (bodyError !== undefined) throw bodyError;
    throw restErrorFromResponse(response, text);
  } finally {
    idle.stop();
    abortSignal?.removeEventListener("abort", onAbort);
    if (!body.readableEnded) body.destroy();
  }
}

/** The (small) body of an error answer, at most {@link ERROR_BODY_LIMIT} bytes of it. */
async function readText(stream: NodeJS.ReadableStream | undefined): Promise<string | undefined> {
  if (!stream) return undefined;
  const parts: Buffer[] = [];
  let length = 0;
  for await (const part of stream) {
    parts.push(part as Buffer);
    length += (part as Buffer).length;
    if (length >= ERROR_BODY_LIMIT) {
      (stream as Partial<Readable>).destroy?.();
      break;
    }
  }
  return Buffer.concat(parts).toString("utf8");
}
