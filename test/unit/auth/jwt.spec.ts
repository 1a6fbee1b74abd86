import { describe, expect, it } from "vitest";
import { readJwtExpiry } from "../../../src/auth/jwt.js";

describe("readJwtExpiry", () => {
  it("decodes base64url payloads, including - and _ characters that plain base64 misreads", () => {
    // This payload encodes to base64url containing both "-" and "_".
    const claims = { exp: 1767225600, sub: "??>>~~", n: "\u00fb\u00ff" };
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    expect(payload).toMatch(/[-_]/);
    expect(readJwtExpiry(`header.${payload}.sig`)).toBe(1767225600);
  });

  it("reads the sanitized refresh tokens of the recordings", () => {
    expect(readJwtExpiry("sanitized.eyJleHAiOjg2NDAwMDAwMDAwMDB9.sanitized")).toBe(8640000000000);
  });

  it("returns undefined for opaque tokens, malformed payloads and non-numeric exp", () => {
    expect(readJwtExpiry("opaque-token")).toBeUndefined();
    expect(readJwtExpiry("a.b.c")).toBeUndefined();
    expect(readJwtExpiry(`a.${Buffer.from('{"exp":"soon"}').toString("base64url")}.c`)).toBeUndefined();
    expect(readJwtExpiry(`a.${Buffer.from("[]").toString("base64url")}.c`)).toBeUndefined();
  });
});
