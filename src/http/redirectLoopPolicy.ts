import type { PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { redactUrl } from "../diagnostics/redaction.js";
import { clientError, KnownContainerRegistryErrorCode } from "../errors/errorCodes.js";

export const redirectLoopPolicyName = "redirectLoopPolicy";

/** The `RedirectLoop` RestError for a request whose redirects lead back to a URL already visited. */
export function redirectLoop(method: string, url: string, response: PipelineResponse) {
  return clientError(
    KnownContainerRegistryErrorCode.RedirectLoop,
    `The redirects of ${method} ${redactUrl(url)} loop: ${redactUrl(response.request.url)} redirects (${response.status}) to a URL already visited`,
    { response },
  );
}

/**
 * Stops a redirect loop at its first repeated URL. Core's redirect policy follows up to 20
 * same-origin redirects without looking where they lead, so a registry that redirects a request
 * back to itself cost 20 requests per attempt. This policy sits just below it, where it sees each
 * hop of one request (core mutates the same request object from hop to hop).
 */
export function redirectLoopPolicy(): PipelinePolicy {
  const visited = new WeakMap<PipelineRequest, Set<string>>();
  return {
    name: redirectLoopPolicyName,
    async sendRequest(request, next) {
      const response = await next(request);
      const location = response.headers.get("location");
      if (!location || response.status < 300 || response.status > 399) return response;
      const urls = visited.get(request) ?? new Set<string>();
      visited.set(request, urls);
      urls.add(new URL(request.url).href);
      if (urls.has(new URL(location, request.url).href)) {
        response.readableStreamBody?.resume();
        throw redirectLoop(request.method, [...urls][0]!, response);
      }
      return response;
    },
  };
}
