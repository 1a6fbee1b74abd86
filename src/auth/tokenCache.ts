/** The distribution token spec's lifetime for a token that states none (`expires_in` absent, an opaque token). */
export const DEFAULT_TOKEN_LIFETIME_MS = 60_000;
/** How early access tokens are renewed at most (see scheduleRenewal). */
export const ACCESS_TOKEN_RENEWAL_MARGIN_MS = 30_000;

/** A token, when it expires and when it should be renewed (both ms since the epoch). */
export interface CachedToken {
  token: string;
  expiresOnTimestamp: number;
  refreshAfterTimestamp: number;
}

/**
 * Schedules the renewal of a token that expires at `expiresOnTimestamp`: a quarter of its
 * remaining life early, but never more than `maxMarginMs` early, so that short-lived tokens are
 * still reused and long-lived ones are renewed well before a request could carry a stale one.
 */
export function scheduleRenewal(token: string, expiresOnTimestamp: number, now: number, maxMarginMs: number): CachedToken {
  const margin = Math.min(maxMarginMs, Math.max(0, expiresOnTimestamp - now) / 4);
  return { token, expiresOnTimestamp, refreshAfterTimestamp: expiresOnTimestamp - margin };
}

/**
 * Tokens by key with one fetch in flight per key: concurrent callers asking for the same key
 * share a single request, and a cached token is served until its renewal time.
 */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The cached token for `key` if it is not due for renewal. */
  peek(key: string): CachedToken | undefined {
    const cached = this.tokens.get(key);
    return cached && this.isFresh(cached) ? cached : undefined;
  }

  /** Fresh entries, for callers that can use any token that grants enough. */
  *entries(): Iterable<[string, CachedToken]> {
    for (const entry of this.tokens) {
      if (this.isFresh(entry[1])) yield entry;
    }
  }

  getOrFetch(key: string, fetch: () => Promise<CachedToken>): Promise<CachedToken> {
    const cached = this.peek(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = fetch()
        .then((token) => {
          this.tokens.set(key, token);
          return token;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  delete(key: string): void {
    this.tokens.delete(key);
  }

  private isFresh(token: CachedToken): boolean {
    return token.refreshAfterTimestamp > this.now();
  }
}
