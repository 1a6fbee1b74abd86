import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";
import { logger } from "../diagnostics/logger.js";
import { findBearerChallenge } from "./challenge.js";
import { classifyRequest } from "./requestScope.js";
import type { AcrTokenService } from "./tokenService.js";

export const acrAuthenticationPolicyName = "acrAuthenticationPolicy";

/**
 * Answers ACR's Bearer challenges and pre-authorises later requests:
 *
 * - the first request on a route goes without a token; its 401 names the registry's `service` and
 *   the scope, a token for that scope is fetched and the request is retried once;
 * - later requests on a challenged route carry its token, fetched (or renewed before it expires) up
 *   front, so they cost no 401 round trip;
 * - requests on a new route carry a cached token when one already grants the scope ACR asks for there
 *   (a `pull,push` token serves a pull), else a token fetched up front for the scope predicted by
 *   ACR's rule (protocol/acrAccess.ts), so that only the very first request of a client is challenged;
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
      const challengedScope = challengedScopes.get(route.key);
      if (service && challengedScope) {
        // This route was challenged before: get (or renew ahead of expiry) its token up front.
        const token = await tokens.getAccessToken(service, challengedScope, {
          abortSignal: request.abortSignal,
          tracingOptions: request.tracingOptions,
        });
        request.headers.set("Authorization", `Bearer ${token}`);
        sentScope = challengedScope;
      } else if (service && route.predicted) {
        // A new route: a cached token that already grants what ACR will ask for, else a token for
        // exactly that (a mount's asks for pull on its source too), fetched before sending: no 401.
        const cached = tokens.findCachedAccessToken(service, route.predicted);
        const token =
          cached?.token ??
          (await tokens.getAccessToken(service, route.predicted, { abortSignal: request.abortSignal, tracingOptions: request.tracingOptions }));
        request.headers.set("Authorization", `Bearer ${token}`);
        sentScope = cached?.scope ?? route.predicted;
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
