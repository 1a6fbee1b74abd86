import type { OperationOptions } from "@azure/core-client";
import { createTracingClient } from "@azure/core-tracing";
import { SDK_VERSION } from "../constants.js";

/** One span per public method goes through this client. */
export const tracingClient = createTracingClient({
  namespace: "Microsoft.ContainerRegistry",
  packageName: "@azure/container-registry",
  packageVersion: SDK_VERSION,
});

/** Runs a public operation inside its span, `<Class>.<method>`; the span records a failure as the operation's error. */
export function traceOperation<T>(
  spanName: string,
  options: OperationOptions,
  run: (updatedOptions: OperationOptions) => Promise<T>,
): Promise<T> {
  return tracingClient.withSpan(spanName, options, run);
}
