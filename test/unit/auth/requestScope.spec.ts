import { describe, expect, it } from "vitest";
import { classifyRequest } from "../../../src/auth/requestScope.js";

describe("auth/requestScope", () => {
  const at = (method: string, path: string) => classifyRequest(method, `https://r.azurecr.io${path}`);

  it("predicts ACR's scope for known routes and keys requests by it", () => {
    expect(at("GET", "/acr/v1/_catalog?n=5")).toEqual({ key: "registry:catalog:*", predicted: "registry:catalog:*" });
    expect(at("HEAD", "/v2/library/hello/blobs/sha256:abc")?.predicted).toBe("repository:library/hello:pull");
    // Upload steps share a key with the POST that opened the session, whatever the upload id.
    expect(at("PUT", "/v2/a/blobs/uploads/1")?.key).toBe(at("POST", "/v2/a/blobs/uploads/")?.key);
  });

  it("leaves the token endpoints alone and keys /v2/ and unknown routes by method and path, without a prediction", () => {
    expect(at("POST", "/oauth2/token")).toBeUndefined();
    expect(at("GET", "/v2/")).toEqual({ key: "GET /v2/" });
    expect(at("GET", "/somewhere/else")).toEqual({ key: "GET /somewhere/else" });
  });
});
