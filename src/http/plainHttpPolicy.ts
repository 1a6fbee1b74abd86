import type { PipelinePolicy } from "@azure/core-rest-pipeline";

export const plainHttpPolicyName = "plainHttpRegistryPolicy";

/**
 * Lets requests to a registry that is itself on plain http (a loopback registry, vetted for
 * credentials when the client was built) go out over http. The generated operations carry
 * `allowInsecureConnection` from the client options, raw requests (blob streams, the OCI catalog)
 * do not; requests to any other origin are left as they are, so a `Location` never downgrades one.
 */
export function plainHttpPolicy(registryOrigin: string): PipelinePolicy {
  return {
    name: plainHttpPolicyName,
    sendRequest(request, next) {
      if (new URL(request.url).origin === registryOrigin) request.allowInsecureConnection = true;
      return next(request);
    },
  };
}
