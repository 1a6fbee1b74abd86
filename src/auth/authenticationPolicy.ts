import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";
import { logger } from "../diagnostics/logger.js";
import type { BasicAuthorization } from "./basicAuthorization.js";
import type { BearerTarget, BearerTokens } from "./bearerTokens.js";
import { findBearerChallenge, isBasicChallenge } from "./challenge.js";
import { classifyRequest } from "./requestScope.js";

export const registryAuthenticationPolicyName = "registryAuthenticationPolicy";

/**
 * Answers a registry's 401 challenges and pre-authorises later requests.
 *
 * Bearer challenges (ACR, the distribution token flow):
 * - the first request on a route goes without a token; its 401 names the registry's `service`,
 *   the realm and the scope, a token for that scope is fetched (see bearerTokens.ts for which
 *   flow) and the request is retried once;
 * - later requests on a challenged route carry its token, fetched (or renewed before it expires) up
 *   front, so they cost no 401 round trip;
 * - requests on a new route carry a cached token when one already grants the scope the route needs
 *   (a `pull,push` token serves a pull), else a token fetched up front for the scope predicted by
 *   ACR's rule (protocol/acrAccess.ts, which distribution shares), so that only the very first
 *   request of a client is challenged;
 * - a 401 `insufficient_scope` (or a rejected token) is answered with a token for the challenged scope.
 *
 * Basic challenges: the login's username and password on every later request (basicAuthorization.ts).
 *
 * Only requests to the registry's own origin are ever given credentials: a redirect to blob
 * storage or any other host travels without them.
 */
export function registryAuthenticationPolicy(registryEndpoint: string, bearer: BearerTokens, basic: BasicAuthorization): PipelinePolicy {
  const origin = new URL(registryEndpoint).origin;
  let target: BearerTarget | undefined;
  let basicRequired = false;
  const challengedScopes = new Map<string, string>();

  return {
    name: registryAuthenticationPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      if (new URL(request.url).origin !== origin) {
        request.headers.delete("Authorization");
        return next(request);
      }
      const route = classifyRequest(request.method, request.url);
      if (!route) return next(request); // the /oauth2 endpoints themselves
      const options = { abortSignal: request.abortSignal, tracingOptions: request.tracingOptions };

      let sentScope: string | undefined;
      let sentBasic: string | undefined;
      const challengedScope = challengedScopes.get(route.key);
      if (basicRequired) {
        sentBasic = await basic.get(request.abortSignal);
        if (sentBasic) request.headers.set("Authorization", sentBasic);
      } else if (target && challengedScope) {
        // This route was challenged before: get (or renew ahead of expiry) its token up front.
        request.headers.set("Authorization", `Bearer ${await bearer.get(target, challengedScope, options)}`);
        sentScope = challengedScope;
      } else if (target && route.predicted) {
        // A new route: a cached token that already grants what the registry will ask for, else a
        // token for exactly that (a mount's asks for pull on its source too), fetched before sending: no 401.
        const cached = bearer.findCached(target, route.predicted);
        request.headers.set("Authorization", `Bearer ${cached?.token ?? (await bearer.get(target, route.predicted, options))}`);
        sentScope = cached?.scope ?? route.predicted;
      }

      const response = await next(request);
      if (response.status !== 401) return response;
      const header = response.headers.get("WWW-Authenticate");
      const challenge = findBearerChallenge(header);
      if (challenge?.scope && canResend(request)) {
        target = { service: challenge.service ?? new URL(origin).host, ...(challenge.realm && { realm: challenge.realm }) };
        challengedScopes.set(route.key, challenge.scope);
        if (sentScope && challenge.error !== "insufficient_scope") {
          // The registry rejected a token it issued (expired early, revoked): never offer it again.
          bearer.invalidate(target, sentScope);
          bearer.invalidate(target, challenge.scope);
        }
        logger.info(
          `${request.method} ${new URL(request.url).pathname} was challenged for scope "${challenge.scope}"` +
            (challenge.error ? ` (${challenge.error})` : ""),
        );
        discardBody(response);
        const token = await bearer.get(target, challenge.scope, options);
        request.headers.set("Authorization", `Bearer ${token}`);
        return next(request);
      }
      if (isBasicChallenge(header) && canResend(request)) {
        const renewed = sentBasic ? await basic.renew(sentBasic, request.abortSignal) : await basic.get(request.abortSignal);
        if (!renewed) {
          if (!sentBasic) logger.warning(`${request.method} ${new URL(request.url).pathname} asks for Basic credentials, and the client has no username and password`);
          return response;
        }
        basicRequired = true;
        discardBody(response);
        request.headers.set("Authorization", renewed);
        const retried = await next(request);
        if (retried.status === 401) await basic.reject(renewed);
        return retried;
      }
      return response;
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
