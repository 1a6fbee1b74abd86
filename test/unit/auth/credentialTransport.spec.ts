import { describe, expect, it } from "vitest";
import { assertCredentialTransport, isLoopbackHost } from "../../../src/auth/credentialTransport.js";

describe("credential transport", () => {
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
