import {
  createPipelineFromOptions,
  decompressResponsePolicyName,
  formDataPolicyName,
  redirectPolicyName,
  setClientRequestIdPolicyName,
  type Pipeline,
} from "@azure/core-rest-pipeline";
import { httpLogger, SAFE_QUERY_PARAMETERS } from "../diagnostics/redaction.js";
import type { ContainerRegistryClientOptions } from "./clientOptions.js";
import { redirectLoopPolicy } from "./redirectLoopPolicy.js";
import { userAgentOptions } from "./userAgent.js";

/**
 * A pipeline with the client's transport options (agent, TLS, proxy, retries, user agent) and
 * redacting logs, but none of its own or its user's policies: for requests to hosts other than the
 * registry (redirect targets, token realms), which must get no credential a policy would add.
 * Without the response decompression (blob bytes must arrive as stored) and without core's form
 * policy (it would load undici; see auth/formBodyPolicy.ts); with the redirect loop check of the
 * registry's pipeline (a loop on another host ends at its first repeated URL too).
 */
export function createBarePipeline(options: ContainerRegistryClientOptions, redirects: { allowCrossOriginRedirects: boolean }): Pipeline {
  const pipeline = createPipelineFromOptions({
    agent: options.agent,
    tlsOptions: options.tlsOptions,
    proxyOptions: options.proxyOptions,
    retryOptions: options.retryOptions,
    userAgentOptions: userAgentOptions(options),
    redirectOptions: { allowCrossOriginRedirects: redirects.allowCrossOriginRedirects, maxRetries: 5 },
    loggingOptions: { logger: httpLogger, additionalAllowedQueryParameters: [...SAFE_QUERY_PARAMETERS] },
  });
  pipeline.removePolicy({ name: setClientRequestIdPolicyName });
  pipeline.removePolicy({ name: decompressResponsePolicyName });
  pipeline.removePolicy({ name: formDataPolicyName });
  pipeline.addPolicy(redirectLoopPolicy(), { afterPolicies: [redirectPolicyName] });
  return pipeline;
}
