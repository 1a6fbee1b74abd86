import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";
import { logger } from "../logger.js";
import { findBearerChallenge } from "./challenge.js";
import { classifyRequest } from "./scopes.js";
import type { AcrTokenService } from "./tokenService.js";

export const acrAuthenticationPolicyName = "acrAuthenticationPolicy";

/**
 * Answers ACR's Bearer challenges and pre-authorises later requests:
 *
 * - the first request on a route goes without a token; its 401 names the registry's `service` and
 *   the scope, a token for that scope is fetched and the request is retried once;
 * - later requests carry a cached token that grants their scope (learned from earlier challenges on
 *   the same route, or the scope ACR is known to ask for), so they cost no 401 round trip;
 * - a 401 `insufficient_scope` (or a rejected token) is answered with a token for the challenged scope;
 * - only requests to the registry's own origin are ever given a token: a redirect to blob storage
 *   or any other host travels without one.
 */
export function acrAuthenticationPolicy(registryEndpoint: string, tokens: AcrTokenService): PipelinePolicy {
  const origin = new URL(registryEndpoint).origin;
  let service: string | undefined;
  const challengedScopes = new Map<string, string>();

  return {
    name: acrAuthenticationPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      if (new URL(request.url).origin !== origin) {
        request.headers.delete("Authorization");
        return next(request);
      }
      const route = classifyRequest(request.method, request.url);
      if (!route) return next(request); // the /oauth2 endpoints themselves

      let sentScope: string | undefined;
      const knownScope = challengedScopes.get(route.key) ?? route.predicted;
      if (service && knownScope) {
        const token = tokens.findCachedAccessToken(service, knownScope);
        if (token) {
          request.headers.set("Authorization", `Bearer ${token}`);
          sentScope = knownScope;
        }
      }

      const response = await next(request);
      if (response.status !== 401) return response;
      const challenge = findBearerChallenge(response.headers.get("WWW-Authenticate"));
      if (!challenge?.scope || !canResend(request)) return response;

      service = challenge.service ?? new URL(origin).host;
      challengedScopes.set(route.key, challenge.scope);
      if (sentScope && challenge.error !== "insufficient_scope") {
        // The registry rejected a token it issued (expired early, revoked): never offer it again.
        tokens.invalidateAccessToken(service, sentScope);
        tokens.invalidateAccessToken(service, challenge.scope);
      }
      logger.info(
        `${request.method} ${new URL(request.url).pathname} was challenged for scope "${challenge.scope}"` +
          (challenge.error ? ` (${challenge.error})` : ""),
      );
      discardBody(response);
      const token = await tokens.getAccessToken(service, challenge.scope, {
        abortSignal: request.abortSignal,
        tracingOptions: request.tracingOptions,
      });
      request.headers.set("Authorization", `Bearer ${token}`);
      return next(request);
    },
  };
}

/** A request can be sent again unless its body is a stream that the first attempt consumed. */
function canResend(request: PipelineRequest): boolean {
  const body = request.body as unknown;
  const isOneShotStream =
    typeof body === "object" &&
    body !== null &&
    (typeof (body as NodeJS.ReadableStream).pipe === "function" || typeof (body as ReadableStream).getReader === "function");
  if (isOneShotStream) {
    logger.warning(`${request.method} ${new URL(request.url).pathname} was challenged after its body stream was sent; it cannot be retried`);
  }
  return !isOneShotStream;
}

function discardBody(response: PipelineResponse): void {
  response.readableStreamBody?.resume();
}
