import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import { createAbortablePromise } from "@azure/core-util";

/** Throws the SDK's `AbortError` when the signal has fired. */
export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new AbortError("The operation was aborted.");
}

/**
 * Waits for a promise shared with other callers (a token fetch) or that cannot be cancelled (a
 * stalled source's read), giving up for this caller only when its signal fires.
 */
export function raceAbort<T>(promise: Promise<T>, abortSignal: AbortSignalLike | undefined): Promise<T> {
  if (!abortSignal) return promise;
  return createAbortablePromise<T>((resolve, reject) => void promise.then(resolve, reject), { abortSignal });
}
