import { AbortError } from "@azure/abort-controller";
import type { AbortSignalLike } from "@azure/abort-controller";

/** Throws the SDK's `AbortError` when the signal has fired. */
export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new AbortError("The operation was aborted.");
}

/**
 * Waits for a promise shared with other callers, giving up (for this caller only) when its own
 * signal fires: one caller cancelling must not cancel a token request others are waiting on.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignalLike | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortError("The operation was aborted."));
    signal.addEventListener("abort", onAbort);
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
