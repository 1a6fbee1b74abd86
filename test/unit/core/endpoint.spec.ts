import { describe, expect, it } from "vitest";
import { assertCredentialTransport, isLoopbackHost } from "../../../src/auth/credentialTransport.js";
import { normalizeEndpoint } from "../../../src/http/endpoint.js";

describe("endpoints", () => {
  it("normalises what users type", () => {
    expect(normalizeEndpoint("myregistry.azurecr.io")).toBe("https://myregistry.azurecr.io");
    expect(normalizeEndpoint(" https://MyRegistry.azurecr.io/ ")).toBe("https://myregistry.azurecr.io");
    expect(normalizeEndpoint("http://127.0.0.1:5000")).toBe("http://127.0.0.1:5000");
    expect(normalizeEndpoint("localhost:5000")).toBe("https://localhost:5000");
  });

  it("refuses endpoints that are not a registry origin", () => {
    expect(() => normalizeEndpoint("")).toThrow(RangeError);
    expect(() => normalizeEndpoint(42 as unknown as string)).toThrow(TypeError);
    expect(() => normalizeEndpoint("ftp://r.io")).toThrow(/https/);
    expect(() => normalizeEndpoint("https://r.io/v2/")).toThrow(/origin/);
    expect(() => normalizeEndpoint("https://user:pass@r.io")).toThrow(/credentials/);
    expect(() => normalizeEndpoint("https://exa mple.com")).toThrow(/valid URL/);
  });

  it("knows loopback hosts", () => {
    for (const host of ["localhost", "LOCALHOST", "127.0.0.1", "127.9.9.9", "[::1]"]) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["example.com", "10.0.0.1", "128.0.0.1", "[::2]", "localhost.example.com"]) expect(isLoopbackHost(host)).toBe(false);
    // Resolved through DNS, so not necessarily loopback: no credential over plain http to them.
    for (const host of ["registry.localhost", "a.b.localhost"]) expect(isLoopbackHost(host)).toBe(false);
    expect(() => assertCredentialTransport("http://registry.localhost:5000", true)).toThrow(/plain http/);
  });

  it("allows a credential over http only on loopback", () => {
    expect(() => assertCredentialTransport("http://127.0.0.1:5000", true)).not.toThrow();
    expect(() => assertCredentialTransport("https://r.io", true)).not.toThrow();
    expect(() => assertCredentialTransport("http://r.io", false)).not.toThrow();
    expect(() => assertCredentialTransport("http://r.io", true)).toThrow(/plain http/);
  });
});
