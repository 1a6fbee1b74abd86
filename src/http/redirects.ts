import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { logger } from "../diagnostics/logger.js";
import { redactUrl } from "../diagnostics/redaction.js";
import { clientError, KnownContainerRegistryErrorCode } from "../errors/errorCodes.js";
import { redirectLoop } from "./redirectLoopPolicy.js";
import type { RawRequest, RegistryTransport } from "./registryTransport.js";

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
/** The only request headers that travel to a redirect target: nothing that could carry a credential. */
const FORWARDED_HEADERS = ["accept", "range"];

/** A blob response and, when a registry redirected elsewhere, the (usually signed) URL that answered. */
interface FollowedResponse {
  response: PipelineResponse;
  redirectedUrl?: string;
}

function isRedirect(response: PipelineResponse): boolean {
  return REDIRECT_STATUSES.has(response.status) && response.headers.has("location");
}

function forwardedHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (FORWARDED_HEADERS.includes(name.toLowerCase())) kept[name] = value;
  }
  return kept;
}

/**
 * Sends a blob GET or HEAD and follows the redirects the core pipeline leaves alone (those to
 * another origin, e.g. ACR's 307 to blob storage). A redirect to the registry's own origin goes
 * through the authenticated pipeline; any other goes through the anonymous one with only `Accept`
 * and `Range`, so neither `Authorization` nor any other credential header (cookies, x-ms-*,
 * headers added by user policies) reaches another host.
 */
export async function sendFollowingRedirects(transport: RegistryTransport, request: RawRequest): Promise<FollowedResponse> {
  let response = await transport.send(request);
  let redirectedUrl: string | undefined;
  const registryOrigin = new URL(transport.endpoint).origin;
  const visited = new Set([new URL(request.url).href]);
  for (let hops = 0; isRedirect(response); hops++) {
    response.readableStreamBody?.resume();
    const target = new URL(response.headers.get("location")!, response.request.url);
    visited.add(new URL(response.request.url).href);
    if (visited.has(target.href)) throw redirectLoop(request.method, request.url, response);
    if (hops === MAX_REDIRECTS) {
      throw clientError(KnownContainerRegistryErrorCode.TooManyRedirects, `More than ${MAX_REDIRECTS} redirects for ${request.method} ${redactUrl(request.url)}`, { response });
    }
    logger.info(`${request.method} ${redactUrl(response.request.url)} redirected (${response.status}) to ${redactUrl(target.href)}`);
    const next: RawRequest = { ...request, url: target.href, headers: forwardedHeaders(request.headers) };
    if (target.origin === registryOrigin) {
      response = await transport.send(next);
      redirectedUrl = undefined;
    } else {
      response = await transport.sendAnonymously(next);
      redirectedUrl = target.href;
    }
  }
  return { response, redirectedUrl };
}

/** Sends a request to a URL a registry redirected to before, without credentials. */
export function sendToRedirectTarget(transport: RegistryTransport, url: string, request: RawRequest): Promise<PipelineResponse> {
  return transport.sendAnonymously({ ...request, url, headers: forwardedHeaders(request.headers) });
}
