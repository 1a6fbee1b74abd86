import { describe, expect, it } from "vitest";
import { canonicalDigest, DIGEST_PATTERN, isDigest } from "../../../src/protocol/grammar.js";

describe("canonicalDigest", () => {
  it("lowercases the hex algorithms and leaves other encodings as they are", () => {
    expect(canonicalDigest(`sha256:${"AB".repeat(32)}`)).toBe(`sha256:${"ab".repeat(32)}`);
    expect(canonicalDigest(`SHA512:${"C".repeat(128)}`)).toBe(`sha512:${"c".repeat(128)}`);
    expect(canonicalDigest("multihash+base58:QmRZxt2b1FVZPN")).toBe("multihash+base58:QmRZxt2b1FVZPN");
  });

  it("gives digests the grammar accepts, and DIGEST_PATTERN is isDigest's rule", () => {
    for (const value of [`sha256:${"A".repeat(64)}`, `sha512:${"F".repeat(128)}`]) {
      expect(isDigest(value)).toBe(false);
      expect(isDigest(canonicalDigest(value))).toBe(true);
    }
    for (const value of [`sha256:${"a".repeat(64)}`, "multihash+base58:QmRZ", "sha256:abc", `sha256:${"a".repeat(65)}`, "x", ":a"]) {
      expect(DIGEST_PATTERN.test(value)).toBe(isDigest(value));
    }
  });
});
