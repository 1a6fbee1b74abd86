import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import type { RestError } from "@azure/core-rest-pipeline";
import { clientError, KnownContainerRegistryErrorCode } from "./errorCodes.js";

/** The error of a transfer that stalled for `idleTimeoutInMs`: what was waited on is in the message. */
export function transferStalledError(what: string, idleTimeoutInMs: number): RestError {
  return clientError(KnownContainerRegistryErrorCode.TransferStalled, `${what}: no byte moved for ${idleTimeoutInMs} ms (idleTimeoutInMs)`);
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

/** An upload that cannot go on (see {@link KnownContainerRegistryErrorCode.UploadNotResumable}); `cause` is the failure that stopped it. */
export function uploadNotResumableError(reason: string, cause: unknown): RestError {
  const detail = cause instanceof Error ? ` (after: ${cause.message})` : "";
  const error = clientError(
    KnownContainerRegistryErrorCode.UploadNotResumable,
    `The upload cannot be resumed: ${reason}${detail}. Upload the content again from the start; a Buffer or a file path resumes where the registry stands`,
  );
  Object.defineProperty(error, "cause", { value: cause, enumerable: false });
  return error;
}
