import type { OperationOptions } from "@azure/core-client";
import { createTracingClient } from "@azure/core-tracing";
import { SDK_VERSION } from "./constants.js";
import { withRegistryErrorDetails } from "./utils/errors.js";

/** One span per public method goes through this client. */
export const tracingClient = createTracingClient({
  namespace: "Microsoft.ContainerRegistry",
  packageName: "@azure/container-registry",
  packageVersion: SDK_VERSION,
});

/**
 * Runs a public operation inside its span (`<Class>.<method>`); a registry failure leaves it as a
 * `RestError` carrying the registry's error code and message.
 */
export function traceOperation<T>(
  spanName: string,
  options: OperationOptions,
  run: (updatedOptions: OperationOptions) => Promise<T>,
): Promise<T> {
  return tracingClient.withSpan(spanName, options, async (updatedOptions) => {
    try {
      return await run(updatedOptions);
    } catch (error) {
      throw withRegistryErrorDetails(error);
    }
  });
}
