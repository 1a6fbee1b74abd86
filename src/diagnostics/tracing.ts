import type { OperationOptions } from "@azure/core-client";
import { createTracingClient } from "@azure/core-tracing";
import { SDK_VERSION } from "../constants.js";
import { redactError } from "./redaction.js";

/** One span per public method goes through this client. */
export const tracingClient = createTracingClient({
  namespace: "Microsoft.ContainerRegistry",
  packageName: "@azure/container-registry",
  packageVersion: SDK_VERSION,
});

/**
 * Runs a public operation inside its span, `<Class>.<method>`; the span records a failure as the
 * operation's error. Every public method that returns a promise (and every page of a listing) runs
 * its argument checks inside `run`, before its first request: a bad argument then rejects the
 * returned promise instead of throwing at the call site. An `options` that is not an object is
 * refused here, for every method at once. Errors leave without secrets (see {@link redactError}),
 * the span's copy included.
 */
export function traceOperation<T>(
  spanName: string,
  options: OperationOptions | undefined,
  run: (updatedOptions: OperationOptions) => Promise<T>,
): Promise<T> {
  return tracingClient.withSpan(spanName, options ?? {}, async (updated) => {
    try {
      if (options !== undefined && (typeof options !== "object" || options === null)) {
        throw new TypeError(`options must be an object, got ${options === null ? "null" : typeof options}`);
      }
      return await run(updated);
    } catch (error) {
      throw redactError(error);
    }
  });
}
