import { describe, expect, it } from "vitest";
import { formatScopes, missingAccess, parseScopes, scopeCovers } from "../../../src/protocol/scopes.js";

describe("protocol/scopes", () => {
  it("parses space-separated and repeated scopes, dropping malformed entries and resource classes", () => {
    expect(parseScopes(["repository:library/hello:pull,push registry:catalog:*", "repository(plugin):x:pull", "junk", "a:b:"])).toEqual([
      { type: "repository", name: "library/hello", actions: ["pull", "push"] },
      { type: "registry", name: "catalog", actions: ["*"] },
      { type: "repository", name: "x", actions: ["pull"] },
    ]);
    expect(formatScopes(parseScopes("repository:a:pull,push registry:catalog:*"))).toBe("repository:a:pull,push registry:catalog:*");
  });

  it("treats a token as covering a scope when it grants every action on the same resource", () => {
    expect(scopeCovers("repository:a:pull,push", "repository:a:pull")).toBe(true);
    expect(scopeCovers("repository:a:push,pull", "repository:a:pull,push")).toBe(true);
    expect(scopeCovers("repository:a:pull", "repository:a:pull,push")).toBe(false);
    expect(scopeCovers("repository:a:pull", "repository:b:pull")).toBe(false);
    expect(scopeCovers("repository:a:metadata_read", "repository:a:metadata_write")).toBe(false);
    expect(scopeCovers("registry:catalog:*", "registry:catalog:*")).toBe(true);
    expect(scopeCovers("repository:a:*", "repository:a:delete")).toBe(true);
    expect(scopeCovers("repository:a:pull,push", "repository:a:pull,push repository:b:pull")).toBe(false);
    expect(scopeCovers("repository:a:pull", "")).toBe(false);
  });

  it("reduces required entries to the actions the grant lacks", () => {
    expect(missingAccess(parseScopes("repository:a:pull,push repository:b:pull"), parseScopes("repository:a:pull"))).toEqual([
      { type: "repository", name: "a", actions: ["push"] },
      { type: "repository", name: "b", actions: ["pull"] },
    ]);
    expect(missingAccess(parseScopes("repository:a:delete"), parseScopes("repository:a:*"))).toEqual([]);
  });
});
