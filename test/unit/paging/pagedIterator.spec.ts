import { describe, expect, it } from "vitest";
import { createPagedIterator, toContinuationToken } from "../../../src/paging/pagedIterator.js";

const endpoint = "https://r.azurecr.io";

/** A fake listing of `names`, `n` per page, linked like ACR links its pages. */
function listing(names: string[], calls: Array<string | undefined>) {
  return createPagedIterator<string>(endpoint, async (nextLink, maxPageSize) => {
    calls.push(nextLink);
    const query = new URLSearchParams(nextLink?.split("?")[1] ?? "");
    const n = Number(query.get("n") ?? maxPageSize ?? 100);
    const start = query.has("last") ? names.indexOf(query.get("last")!) + 1 : 0;
    const items = names.slice(start, start + n);
    const more = start + n < names.length;
    return { items, link: more ? `</acr/v1/_catalog?last=${items.at(-1)}&n=${n}>; rel="next"` : undefined };
  });
}

describe("createPagedIterator", () => {
  const names = ["a", "b", "c", "d", "e"];

  it("iterates every item across pages", async () => {
    const out = [];
    for await (const name of listing(names, [])) out.push(name);
    expect(out).toEqual(names);
  });

  it("pages with maxPageSize and exposes continuation tokens", async () => {
    const pages = [];
    for await (const page of listing(names, []).byPage({ maxPageSize: 2 })) pages.push([[...page], page.continuationToken]);
    expect(pages).toEqual([
      [["a", "b"], "/acr/v1/_catalog?last=b&n=2"],
      [["c", "d"], "/acr/v1/_catalog?last=d&n=2"],
      [["e"], undefined],
    ]);
  });

  it("resumes from a continuation token in a fresh iterator (as another process would)", async () => {
    const first = await listing(names, []).byPage({ maxPageSize: 2 }).next();
    const token = first.value.continuationToken as string;
    const calls: Array<string | undefined> = [];
    const rest = [];
    for await (const page of listing(names, calls).byPage({ continuationToken: JSON.parse(JSON.stringify(token)) })) rest.push(...page);
    expect(rest).toEqual(["c", "d", "e"]);
    expect(calls[0]).toBe("/acr/v1/_catalog?last=b&n=2");
  });

  it("fails the first next() of byPage on bad page settings, before any request", async () => {
    const calls: Array<string | undefined> = [];
    const it = listing(names, calls);
    await expect(it.byPage({ maxPageSize: 0 }).next()).rejects.toThrow(RangeError);
    await expect(it.byPage({ maxPageSize: 1.5 }).next()).rejects.toThrow(RangeError);
    await expect(it.byPage({ continuationToken: "" }).next()).rejects.toThrow(RangeError);
    await expect(it.byPage({ continuationToken: "https://evil.example/acr/v1/_catalog" }).next()).rejects.toThrow(/another host/);
    expect(calls).toEqual([]);
  });

  it("turns absolute same-origin links into path+query tokens and refuses other hosts", () => {
    expect(toContinuationToken("https://r.azurecr.io/v2/_catalog?last=x&n=2", endpoint)).toBe("/v2/_catalog?last=x&n=2");
    expect(toContinuationToken("/v2/_catalog?last=x", endpoint)).toBe("/v2/_catalog?last=x");
    expect(() => toContinuationToken("https://other.io/v2/_catalog", endpoint)).toThrow(expect.objectContaining({ code: "InvalidResponse" }));
  });
});
