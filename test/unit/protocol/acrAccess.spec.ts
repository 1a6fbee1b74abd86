import { describe, expect, it } from "vitest";
import { classifyPath, requiredAccessForRequest } from "../../../src/protocol/acrAccess.js";
import { formatScopes } from "../../../src/protocol/scopes.js";

const scope = (method: string, url: string) => {
  const access = requiredAccessForRequest(method, url);
  return access && formatScopes(access);
};

describe("protocol/acrAccess", () => {
  it("names ACR's scopes for metadata routes: metadata_read, metadata_write, delete, and the catalog", () => {
    expect(scope("GET", "/acr/v1/_catalog?n=5")).toBe("registry:catalog:*");
    expect(scope("GET", "/acr/v1/library%2Fhello/_tags/v1")).toBe("repository:library/hello:metadata_read");
    expect(scope("GET", "/acr/v1/library/hello/_manifests")).toBe("repository:library/hello:metadata_read");
    expect(scope("PATCH", "/acr/v1/library%2Fhello")).toBe("repository:library/hello:metadata_write");
    expect(scope("DELETE", "/acr/v1/library%2Fhello/_tags/v1")).toBe("repository:library/hello:delete");
  });

  it("names the distribution scopes for /v2 routes: pull, pull,push for uploads, delete", () => {
    expect(scope("GET", "/v2/_catalog")).toBe("registry:catalog:*");
    expect(scope("HEAD", "/v2/library/hello/blobs/sha256:abc")).toBe("repository:library/hello:pull");
    expect(scope("GET", "/v2/a/b/tags/list?n=2")).toBe("repository:a/b:pull");
    expect(scope("GET", "/v2/a/referrers/sha256:abc")).toBe("repository:a:pull");
    expect(scope("PUT", "/v2/a/manifests/v1")).toBe("repository:a:pull,push");
    expect(scope("PATCH", "/v2/library/hello/blobs/uploads/uuid?_state=x")).toBe("repository:library/hello:pull,push");
    expect(scope("DELETE", "/v2/library/hello/blobs/uploads/uuid")).toBe("repository:library/hello:pull,push");
    expect(scope("DELETE", "/v2/library%2Fhello/manifests/sha256:abc")).toBe("repository:library/hello:delete");
    expect(scope("GET", "/v2/")).toBe("");
    expect(scope("POST", "/oauth2/token")).toBeUndefined();
  });

  it("asks for pull on the source repository of a cross-repository mount, in the same challenge", () => {
    expect(scope("POST", "/v2/hello-world/blobs/uploads/?from=alpine&mount=sha256:abc")).toBe(
      "repository:hello-world:pull,push repository:alpine:pull",
    );
    // Without a mount, or mounting from itself, only the target counts.
    expect(scope("POST", "/v2/hello-world/blobs/uploads/?from=alpine")).toBe("repository:hello-world:pull,push");
    expect(scope("POST", "/v2/a/blobs/uploads/?from=a&mount=sha256:abc")).toBe("repository:a:pull,push");
  });

  it("ends a repository name where the resource suffix begins, names with slashes included", () => {
    expect(classifyPath("/v2/org/team/app/blobs/uploads/")).toEqual({ kind: "content", repository: "org/team/app", uploads: true });
    expect(classifyPath("/v2/org/team/manifests/latest")).toEqual({ kind: "content", repository: "org/team", uploads: false });
    expect(classifyPath("/acr/v1/org/team/_tags")).toEqual({ kind: "metadata", repository: "org/team" });
    expect(classifyPath("/acr/v1/org/team")).toEqual({ kind: "metadata", repository: "org/team" });
    expect(classifyPath("/_identity/token")).toEqual({ kind: "public" });
  });
});
