import { describe, expect, it } from "vitest";
import { parseImageReference } from "../../../src/protocol/imageReference.js";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("protocol/imageReference", () => {
  it.each([
    ["alpine", { registry: "docker.io", endpoint: "https://registry-1.docker.io", repository: "library/alpine", tagOrDigest: "latest" }],
    ["alpine:3.20", { registry: "docker.io", repository: "library/alpine", tag: "3.20", tagOrDigest: "3.20" }],
    ["bitnami/redis", { registry: "docker.io", repository: "bitnami/redis", tagOrDigest: "latest" }],
    ["index.docker.io/library/busybox", { registry: "docker.io", endpoint: "https://registry-1.docker.io", repository: "library/busybox" }],
    ["registry-1.docker.io/nginx:1", { registry: "docker.io", repository: "library/nginx", tag: "1" }],
    ["myregistry.azurecr.io/team/app:v1", { registry: "myregistry.azurecr.io", endpoint: "https://myregistry.azurecr.io", repository: "team/app", tag: "v1" }],
    [`ghcr.io/owner/app@${DIGEST}`, { registry: "ghcr.io", repository: "owner/app", digest: DIGEST, tagOrDigest: DIGEST }],
    [`ghcr.io/owner/app:v2@${DIGEST}`, { repository: "owner/app", tag: "v2", digest: DIGEST, tagOrDigest: DIGEST }],
    ["localhost/app", { registry: "localhost", endpoint: "https://localhost", repository: "app" }],
    ["localhost:5000/app:dev", { registry: "localhost:5000", endpoint: "https://localhost:5000", repository: "app", tag: "dev" }],
    ["127.0.0.1:5000/a/b/c", { registry: "127.0.0.1:5000", repository: "a/b/c" }],
    ["[::1]:5000/app:v1", { registry: "[::1]:5000", endpoint: "https://[::1]:5000", repository: "app", tag: "v1" }],
    ["[2001:db8::1]/app", { registry: "[2001:db8::1]", repository: "app" }],
    ["Registry/app", { registry: "Registry", repository: "app" }],
  ])("parses %s", (reference, expected) => {
    expect(parseImageReference(reference)).toMatchObject(expected);
  });

  it("leaves the tag and digest out when the reference has none, and only then fetches latest", () => {
    const parsed = parseImageReference("ghcr.io/owner/app");
    expect(parsed).toEqual({ registry: "ghcr.io", endpoint: "https://ghcr.io", repository: "owner/app", tagOrDigest: "latest" });
    expect("tag" in parsed || "digest" in parsed).toBe(false);
  });

  it("resolves registry-less references against a default registry, without Docker Hub's library/ prefix", () => {
    expect(parseImageReference("hello:v1", { defaultRegistry: "myregistry.azurecr.io" })).toMatchObject({
      registry: "myregistry.azurecr.io",
      repository: "hello",
      tag: "v1",
    });
    expect(parseImageReference("ghcr.io/x/y", { defaultRegistry: "myregistry.azurecr.io" }).registry).toBe("ghcr.io");
    expect(() => parseImageReference("hello", { defaultRegistry: "https://x" })).toThrow(/defaultRegistry "https:\/\/x" is not a registry host/);
  });

  it.each([
    ["", RangeError, /must not be empty/],
    ["https://ghcr.io/owner/app", RangeError, /leave out the scheme/],
    ["ghcr.io/Owner/app", RangeError, /repository "Owner\/app" must be lowercase/],
    ["ghcr.io/owner/app:", RangeError, /"" is not a tag/],
    ["ghcr.io/owner/app:-bad", RangeError, /"-bad" is not a tag/],
    ["ghcr.io/owner/app@sha256:abc", RangeError, /"sha256:abc" is not a digest/],
    ["ghcr.io/", RangeError, /the repository name is missing/],
    ["ghcr.io/owner//app", RangeError, /"owner\/\/app" is not a repository name/],
    ["my_registry.io:5000/app", RangeError, /"my_registry.io:5000" is not a registry host/],
    ["localhost:99999/app", RangeError, /"localhost:99999" is not a registry host/],
    ["[::1/app", RangeError, /"\[::1" is not a registry host/],
  ])("refuses %j with a %s naming the faulty part", (reference, type, message) => {
    expect(() => parseImageReference(reference)).toThrow(type);
    expect(() => parseImageReference(reference)).toThrow(message);
  });

  it("refuses a non-string with a TypeError", () => {
    expect(() => parseImageReference(42 as unknown as string)).toThrow(TypeError);
  });
});
