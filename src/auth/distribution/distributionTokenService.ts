import type { OperationOptions } from "@azure/core-client";
import { createHttpHeaders, createPipelineRequest, isRestError, RestError, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { logger } from "../../diagnostics/logger.js";
import { basicAuthorizationValue, type RegistryLogin } from "../registryLogin.js";
import type { CachedToken } from "../tokenCache.js";
import { checkedRealm } from "./realmRules.js";
import { parseTokenResponse, tokenRequestError } from "./tokenResponse.js";

/** The OAuth2 `client_id` of this library's refresh-token grants (the spec requires one; servers log it). */
export const OAUTH_CLIENT_ID = "azsdk-js-container-registry";

/** Where a Bearer challenge sends clients for tokens. */
export interface TokenRealm {
  realm: string;
  service: string;
}

/** Sends a token request through a pipeline without the authentication policy. */
export type SendTokenRequest = (request: PipelineRequest) => Promise<PipelineResponse>;

/**
 * The distribution token flow (Docker's token spec and its OAuth2 variant), following the
 * challenge's realm within the rules of realmRules.ts:
 *
 * - no login: `GET realm?service=&scope=` for an anonymous token;
 * - a username/password: the same GET with Basic credentials;
 * - an identity token: `POST realm` with `grant_type=refresh_token`, `refresh_token`, `service`,
 *   `scope` and `client_id` form fields.
 *
 * Several scopes go as repeated `scope` parameters (GET) or one space-separated field (POST).
 */
export class DistributionTokenService {
  constructor(
    private readonly send: SendTokenRequest,
    private readonly registryEndpoint: string,
    private readonly now: () => number = Date.now,
  ) {}

  async fetchAccessToken(target: TokenRealm, scope: string, login: RegistryLogin | undefined, options: OperationOptions = {}): Promise<CachedToken> {
    const url = checkedRealm(target.realm, this.registryEndpoint, login !== undefined);
    const source = `${url.origin}${url.pathname}`;
    const scopes = scope.split(" ").filter(Boolean);
    const request = createPipelineRequest({
      url: url.href,
      method: "GET",
      headers: createHttpHeaders({ Accept: "application/json" }),
      tracingOptions: options.tracingOptions,
      // The realm has passed the rules: plain http only where they allow it.
      allowInsecureConnection: url.protocol === "http:",
    });
    if (login?.kind === "identityToken") {
      request.method = "POST";
      request.headers.set("Content-Type", "application/x-www-form-urlencoded");
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: login.identityToken, service: target.service, client_id: OAUTH_CLIENT_ID });
      if (scopes.length > 0) form.set("scope", scopes.join(" "));
      request.body = form.toString();
    } else {
      if (target.service) url.searchParams.set("service", target.service);
      for (const entry of scopes) url.searchParams.append("scope", entry);
      request.url = url.href;
      if (login) request.headers.set("Authorization", basicAuthorizationValue(login));
    }
    logger.verbose(`Requesting a token for scope "${scope}" from ${source} (${login ? (login.kind === "identityToken" ? "identity token" : `user ${login.username}`) : "anonymous"})`);
    let response: PipelineResponse;
    try {
      response = await this.send(request);
    } catch (error) {
      // A transport error's request holds the password or refresh token: keep status, code and message only.
      if (!isRestError(error)) throw error;
      throw new RestError(`Token request to ${source} failed: ${error.message}`, { code: error.code, statusCode: error.statusCode });
    }
    if (response.status !== 200) throw tokenRequestError(response, source, login ? [loginSecret(login)] : []);
    return parseTokenResponse(response.bodyAsText ?? undefined, this.now(), source);
  }
}

function loginSecret(login: RegistryLogin): string {
  return login.kind === "identityToken" ? login.identityToken : login.password;
}
