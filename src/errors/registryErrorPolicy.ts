import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { withRegistryErrorDetails } from "./registryErrors.js";

export const registryErrorPolicyName = "registryErrorPolicy";

/**
 * Gives the `RestError`s of the generated layer the registry's own error code and message. It runs
 * outside core-client's deserialization policy, which throws them: core-client understands
 * `{"error":{...}}` bodies, registries answer `{"errors":[{code,message,detail}]}`.
 */
export function registryErrorPolicy(): PipelinePolicy {
  return {
    name: registryErrorPolicyName,
    async sendRequest(request, next) {
      try {
        return await next(request);
      } catch (error) {
        throw withRegistryErrorDetails(error);
      }
    },
  };
}
