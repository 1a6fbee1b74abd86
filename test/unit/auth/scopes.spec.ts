import { describe, expect, it } from "vitest";
import { classifyRequest, parseScopes, scopeCovers } from "../../../src/auth/scopes.js";

describe("scopes", () => {
  it("parses resource scopes with several actions", () => {
    expect(parseScopes("repository:library/hello:pull,push registry:catalog:*")).toEqual([
      { type: "repository", name: "library/hello", actions: new Set(["pull", "push"]) },
      { type: "registry", name: "catalog", actions: new Set(["*"]) },
    ]);
  });

  it("treats a token as covering a scope when it grants every action on the same resource", () => {
    expect(scopeCovers("repository:a:pull,push", "repository:a:pull")).toBe(true);
    expect(scopeCovers("repository:a:push,pull", "repository:a:pull,push")).toBe(true);
    expect(scopeCovers("repository:a:pull", "repository:a:pull,push")).toBe(false);
    expect(scopeCovers("repository:a:pull", "repository:b:pull")).toBe(false);
    expect(scopeCovers("repository:a:metadata_read", "repository:a:metadata_write")).toBe(false);
    expect(scopeCovers("registry:catalog:*", "registry:catalog:*")).toBe(true);
    expect(scopeCovers("repository:a:*", "repository:a:delete")).toBe(true);
  });

  it("classifies requests by resource and access the way ACR challenges them", () => {
    const at = (method: string, path: string) => classifyRequest(method, `https://r.azurecr.io${path}`);
    expect(at("GET", "/acr/v1/_catalog?n=5")?.predicted).toBe("registry:catalog:*");
    expect(at("GET", "/acr/v1/library%2Fhello/_tags/v1")?.predicted).toBe("repository:library/hello:metadata_read");
    expect(at("PATCH", "/acr/v1/library%2Fhello")?.predicted).toBe("repository:library/hello:metadata_write");
    expect(at("DELETE", "/acr/v1/library%2Fhello/_tags/v1")?.predicted).toBe("repository:library/hello:delete");
    expect(at("HEAD", "/v2/library/hello/blobs/sha256:abc")?.predicted).toBe("repository:library/hello:pull");
    expect(at("PATCH", "/v2/library/hello/blobs/uploads/uuid?_state=x")?.predicted).toBe("repository:library/hello:pull,push");
    expect(at("DELETE", "/v2/library%2Fhello/manifests/sha256:abc")?.predicted).toBe("repository:library/hello:delete");
    // Upload steps share a key with the POST that opened the session, whatever the upload id.
    expect(at("PUT", "/v2/a/blobs/uploads/1")?.key).toBe(at("POST", "/v2/a/blobs/uploads/")?.key);
    expect(at("POST", "/oauth2/token")).toBeUndefined();
    expect(at("GET", "/v2/")).toEqual({ key: "GET /v2/" });
  });
});
