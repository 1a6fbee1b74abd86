import type { OperationOptions } from "@azure/core-client";
import { RestError } from "@azure/core-rest-pipeline";
import type { AccessTokens } from "./accessTokens.js";
import type { DistributionTokenService } from "./distribution/distributionTokenService.js";
import type { ClientAuthentication } from "./registryCredential.js";
import type { CachedToken } from "./tokenCache.js";
import type { AcrTokenService } from "./tokenService.js";

/** What a registry's Bearer challenge says about where its tokens come from. */
export interface BearerTarget {
  service: string;
  realm?: string;
}

/**
 * ACR's challenges name its own `/oauth2/token` as the realm. Anonymous clients of such a
 * registry use ACR's anonymous grant there, as ACR's own clients do.
 */
export function isAcrRealm(realm: string | undefined, registryEndpoint: string): boolean {
  if (realm === undefined) return true;
  try {
    const url = new URL(realm);
    return url.hostname.toLowerCase() === new URL(registryEndpoint).hostname.toLowerCase() && url.pathname === "/oauth2/token";
  } catch {
    return false;
  }
}

/**
 * The Bearer tokens of one client: every flow's tokens in one cache per `(service, scope)`, and
 * the flow for each token request picked from the credential and the challenge:
 *
 * - a `TokenCredential`: ACR's Entra ID exchange on the registry's own host (the realm is ignored);
 * - a username/password or identity token: the distribution token flow at the realm;
 * - nothing (or a Docker config with nothing for this registry): ACR's anonymous grant when the
 *   realm is ACR's own `/oauth2/token`, an anonymous token from the realm otherwise.
 */
export class BearerTokens {
  constructor(
    private readonly authentication: ClientAuthentication,
    private readonly tokens: AccessTokens,
    private readonly acr: AcrTokenService,
    private readonly distribution: DistributionTokenService,
    private readonly registryEndpoint: string,
  ) {}

  /** A fresh cached token granting `scope`, and the scope it was issued for. */
  findCached(target: BearerTarget, scope: string): { token: string; scope: string } | undefined {
    return this.tokens.findCovering(target.service, scope);
  }

  get(target: BearerTarget, scope: string, options: OperationOptions = {}): Promise<string> {
    // Shared by concurrent callers: the fetch is never bound to one caller's abort signal.
    const shared: OperationOptions = { tracingOptions: options.tracingOptions };
    return this.tokens.get(target.service, scope, () => this.fetch(target, scope, shared), options.abortSignal);
  }

  invalidate(target: BearerTarget, scope: string): void {
    this.tokens.invalidate(target.service, scope);
  }

  private async fetch(target: BearerTarget, scope: string, options: OperationOptions): Promise<CachedToken> {
    const { authentication } = this;
    if (authentication.kind === "entra") return this.acr.fetchAccessToken(target.service, scope, options);
    const login = authentication.kind === "login" ? await authentication.logins.current(options) : undefined;
    if (!login && isAcrRealm(target.realm, this.registryEndpoint)) return this.acr.fetchAccessToken(target.service, scope, options);
    if (target.realm === undefined) {
      throw new RestError("The registry's Bearer challenge names no realm to request a token from", { code: "InvalidChallenge" });
    }
    return this.distribution.fetchAccessToken({ realm: target.realm, service: target.service }, scope, login, options);
  }
}
