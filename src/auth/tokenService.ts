import type { GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { isRestError, RestError } from "@azure/core-rest-pipeline";
import type { OperationOptions } from "@azure/core-client";
import type { AcrAccessToken, GeneratedClient } from "../generated/index.js";
import { DEFAULT_TOKEN_SCOPE } from "../constants.js";
import { logger } from "../diagnostics/logger.js";
import { readJwtExpiry } from "./jwt.js";
import { ACCESS_TOKEN_RENEWAL_MARGIN_MS, DEFAULT_TOKEN_LIFETIME_MS, scheduleRenewal, TokenCache, type CachedToken } from "./tokenCache.js";

const REFRESH_TOKEN_RENEWAL_MARGIN_MS = 5 * 60_000;

export interface AcrTokenServiceOptions {
  /** Entra ID credential; absent = anonymous access (`grant_type=password` without a refresh token). */
  credential?: TokenCredential;
  /** Entra ID scope for the token exchanged at `/oauth2/exchange`. */
  entraScope?: string;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * ACR's own token flow, on the registry's own host (the challenge's realm is never followed, so an
 * Entra token cannot be sent anywhere else): Entra token → `/oauth2/exchange` → refresh token
 * (cached per service, renewed before its `exp`) → `/oauth2/token` → access token. Anonymous
 * clients skip the exchange (`grant_type=password` without a refresh token). Access tokens are
 * cached by the client's `AccessTokens`; concurrent exchanges for one service share one
 * round trip.
 */
export class AcrTokenService {
  private readonly refreshTokens: TokenCache;
  private readonly now: () => number;

  constructor(
    /** Generated client for the registry's `/oauth2` endpoints, without the authentication policy. */
    private readonly client: GeneratedClient,
    private readonly options: AcrTokenServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.refreshTokens = new TokenCache(this.now);
  }

  get isAnonymous(): boolean {
    return this.options.credential === undefined;
  }

  /** Requests a new access token for `scope` (the caller caches it). */
  async fetchAccessToken(service: string, scope: string, options: OperationOptions = {}): Promise<CachedToken> {
    // Shared by concurrent callers: never bound to one caller's abort signal.
    const shared: OperationOptions = { tracingOptions: options.tracingOptions };
    const requestToken = async (): Promise<AcrAccessToken> => {
      const refreshToken = this.isAnonymous
        ? ""
        : (await this.refreshTokens.getOrFetch(service, () => this.fetchRefreshToken(service, shared))).token;
      logger.verbose(`Requesting an ACR access token for scope "${scope}" (${this.isAnonymous ? "anonymous" : "refresh token"})`);
      return this.call("/oauth2/token", () =>
        this.client.authentication.exchangeAcrRefreshTokenForAcrAccessToken(
          service,
          scope,
          refreshToken,
          this.isAnonymous ? "password" : "refresh_token",
          shared,
        ),
      );
    };
    let response: AcrAccessToken;
    try {
      response = await requestToken();
    } catch (error) {
      // A refresh token the registry no longer accepts (revoked, or expired early) is replaced once.
      if (this.isAnonymous || !isRestError(error) || error.statusCode !== 401) throw error;
      logger.info(`The registry rejected the cached refresh token for service "${service}"; exchanging a new one`);
      this.refreshTokens.delete(service);
      response = await requestToken();
    }
    if (!response.accessToken) throw new RestError("The registry's /oauth2/token response holds no access_token", { code: "InvalidTokenResponse" });
    return this.toCachedToken(response.accessToken, ACCESS_TOKEN_RENEWAL_MARGIN_MS);
  }

  private async fetchRefreshToken(service: string, options: OperationOptions): Promise<CachedToken> {
    const credential = this.options.credential!;
    const getTokenOptions: GetTokenOptions = { tracingOptions: options.tracingOptions };
    const entraToken = await credential.getToken(this.options.entraScope ?? DEFAULT_TOKEN_SCOPE, getTokenOptions);
    if (!entraToken) throw new RestError("The credential returned no Entra ID token", { code: "CredentialUnavailable" });
    logger.verbose(`Exchanging an Entra ID token for an ACR refresh token for service "${service}"`);
    const response = await this.call("/oauth2/exchange", () =>
      this.client.authentication.exchangeAadAccessTokenForAcrRefreshToken("access_token", service, {
        ...options,
        accessToken: entraToken.token,
      }),
    );
    if (!response.refreshToken) throw new RestError("The registry's /oauth2/exchange response holds no refresh_token", { code: "InvalidTokenResponse" });
    return this.toCachedToken(response.refreshToken, REFRESH_TOKEN_RENEWAL_MARGIN_MS);
  }

  private toCachedToken(token: string, margin: number): CachedToken {
    const now = this.now();
    const exp = readJwtExpiry(token);
    return scheduleRenewal(token, exp !== undefined ? exp * 1000 : now + DEFAULT_TOKEN_LIFETIME_MS, now, margin);
  }

  /**
   * Token requests carry secrets in their form bodies. A failure is rethrown as a new `RestError`
   * holding status, code and message only, so that neither the request nor the response (whose
   * objects keep the body) can end up in a log through the error.
   */
  private async call<T>(endpoint: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (!isRestError(error)) throw error;
      // The message already carries the registry's code and message (registryErrorPolicy).
      throw new RestError(`Token request to ${endpoint} failed: ${error.message}`, { code: error.code, statusCode: error.statusCode });
    }
  }
}
