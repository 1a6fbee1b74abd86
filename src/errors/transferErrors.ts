import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import { RestError } from "@azure/core-rest-pipeline";

/**
 * `code`s of the `RestError`s a blob transfer raises itself, so that `isRestError(e)` and a look at
 * `e.code` tell them apart from a registry's own codes (which come from its error body).
 */
export enum KnownTransferErrorCode {
  /**
   * No byte moved for `idleTimeoutInMs` (no response head, no body byte either way), and every
   * resume attempt stalled or failed too. Retrying later may succeed.
   */
  TransferStalled = "TransferStalled",
  /**
   * An upload failed part-way and cannot be continued: the content was a one-shot stream, and the
   * registry does not hold every byte already read from it (or lost its upload session). Uploading
   * again from the start, with the content again, may succeed; a `Buffer` or a file path resumes
   * wherever the registry stands.
   */
  UploadNotResumable = "UploadNotResumable",
}

/** The error of a transfer that stalled for `idleTimeoutInMs`: what was waited on is in the message. */
export function transferStalledError(what: string, idleTimeoutInMs: number): RestError {
  return new RestError(`${what}: no byte moved for ${idleTimeoutInMs} ms (idleTimeoutInMs)`, { code: KnownTransferErrorCode.TransferStalled });
}

/**
 * Turns the AbortError of a request that a timeout cut (core's per-request `timeout`, or an idle
 * timer) into a TransferStalled error; the caller's own abort, and any other error, stay as they are.
 */
export function stalledUnlessAborted(error: unknown, abortSignal: AbortSignalLike | undefined, what: string, idleTimeoutInMs: number): unknown {
  if (abortSignal?.aborted) return error instanceof AbortError ? error : new AbortError("The operation was aborted.");
  const isAbort = error instanceof Error && error.name === "AbortError";
  return isAbort ? transferStalledError(what, idleTimeoutInMs) : error;
}

/** An upload that cannot go on (see {@link KnownTransferErrorCode.UploadNotResumable}); `cause` is the failure that stopped it. */
export function uploadNotResumableError(reason: string, cause: unknown): RestError {
  const detail = cause instanceof Error ? ` (after: ${cause.message})` : "";
  const error = new RestError(
    `The upload cannot be resumed: ${reason}${detail}. Upload the content again from the start; a Buffer or a file path resumes where the registry stands`,
    { code: KnownTransferErrorCode.UploadNotResumable },
  );
  Object.defineProperty(error, "cause", { value: cause, enumerable: false });
  return error;
}
