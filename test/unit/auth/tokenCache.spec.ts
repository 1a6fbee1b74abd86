import { describe, expect, it } from "vitest";
import { scheduleRenewal, TokenCache } from "../../../src/auth/tokenCache.js";

describe("TokenCache", () => {
  it("renews a quarter of the remaining life early, capped by the margin", () => {
    expect(scheduleRenewal("t", 1000 + 60_000, 1000, 30_000).refreshAfterTimestamp).toBe(1000 + 45_000);
    expect(scheduleRenewal("t", 1000 + 3600_000, 1000, 30_000).refreshAfterTimestamp).toBe(1000 + 3570_000);
  });

  it("shares one in-flight fetch between concurrent callers and caches the result", async () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 5));
      return scheduleRenewal(`token-${fetches}`, now + 60_000, now, 30_000);
    };
    const tokens = await Promise.all([cache.getOrFetch("k", fetch), cache.getOrFetch("k", fetch), cache.getOrFetch("k", fetch)]);
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(["token-1"]));
    expect((await cache.getOrFetch("k", fetch)).token).toBe("token-1");
    now = 50_000; // past the renewal time
    expect(cache.peek("k")).toBeUndefined();
    expect((await cache.getOrFetch("k", fetch)).token).toBe("token-2");
    expect(fetches).toBe(2);
  });

  it("does not cache failures: the next caller tries again", async () => {
    const cache = new TokenCache();
    await expect(cache.getOrFetch("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    const ok = await cache.getOrFetch("k", async () => scheduleRenewal("ok", Date.now() + 60_000, Date.now(), 1000));
    expect(ok.token).toBe("ok");
  });
});
