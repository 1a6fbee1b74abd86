import type { AbortSignalLike } from "@azure/abort-controller";
import { raceAbort } from "../errors/abort.js";
import { scopeCovers } from "../protocol/scopes.js";
import { TokenCache, type CachedToken } from "./tokenCache.js";

/**
 * The registry access tokens of one client, per `(service, scope)`, whichever flow issued them
 * (ACR's exchange, a distribution token server, an anonymous grant): one token request per scope,
 * shared by concurrent first callers, reused until its renewal time.
 */
export class AccessTokens {
  private readonly cache: TokenCache;

  constructor(now?: () => number) {
    this.cache = new TokenCache(now);
  }

  /** A fresh cached token that grants `scope`, and the scope it was issued for. */
  findCovering(service: string, scope: string): { token: string; scope: string } | undefined {
    const exact = this.cache.peek(cacheKey(service, scope));
    if (exact) return { token: exact.token, scope };
    const prefix = cacheKey(service, "");
    for (const [key, cached] of this.cache.entries()) {
      const granted = key.slice(prefix.length);
      if (key.startsWith(prefix) && scopeCovers(granted, scope)) return { token: cached.token, scope: granted };
    }
    return undefined;
  }

  /**
   * The token for `(service, scope)`, fetched with `fetch` unless cached or in flight. The fetch is
   * shared with concurrent callers: one caller's abort ends its own wait, not the fetch.
   */
  async get(service: string, scope: string, fetch: () => Promise<CachedToken>, abortSignal?: AbortSignalLike): Promise<string> {
    return (await raceAbort(this.cache.getOrFetch(cacheKey(service, scope), fetch), abortSignal)).token;
  }

  /** Forgets a token the registry rejected, so that the next request fetches a new one. */
  invalidate(service: string, scope: string): void {
    this.cache.delete(cacheKey(service, scope));
  }
}

function cacheKey(service: string, scope: string): string {
  return `${service}\n${scope}`;
}
