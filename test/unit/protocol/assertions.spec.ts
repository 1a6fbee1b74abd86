import { describe, expect, it } from "vitest";
import { assertDigest, assertRepositoryName, assertTag, assertTagOrDigest } from "../../../src/protocol/assertions.js";

const sha = `sha256:${"a".repeat(64)}`;

describe("input validation", () => {
  it("accepts OCI repository names and refuses malformed ones", () => {
    for (const name of ["hello", "library/hello-world", "a.b_c__d--e/f0", "x/y/z"]) expect(() => assertRepositoryName(name)).not.toThrow();
    for (const name of ["", "Hello", "/a", "a/", "a//b", "a..b", "-a", "a b", "a:b"]) expect(() => assertRepositoryName(name)).toThrow(RangeError);
    expect(() => assertRepositoryName(undefined)).toThrow(TypeError);
  });

  it("accepts well-formed digests and checks known algorithms' lengths", () => {
    expect(() => assertDigest(sha)).not.toThrow();
    expect(() => assertDigest(`sha512:${"b".repeat(128)}`)).not.toThrow();
    expect(() => assertDigest("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8")).not.toThrow();
    for (const digest of ["sha256:abc", `sha256:${"A".repeat(64)}`, `sha256${"a".repeat(64)}`, ":abc", "sha256:"]) {
      expect(() => assertDigest(digest)).toThrow(RangeError);
    }
  });

  it("accepts tags and refuses empty or malformed ones", () => {
    for (const tag of ["latest", "v1.0.0", "_x", "A-b_c.d"]) expect(() => assertTag(tag)).not.toThrow();
    for (const tag of ["", ".hidden", "-x", "a/b", "x".repeat(129)]) expect(() => assertTag(tag)).toThrow(RangeError);
  });

  it("tells tags from digests", () => {
    expect(() => assertTagOrDigest(sha)).not.toThrow();
    expect(() => assertTagOrDigest("latest")).not.toThrow();
    expect(() => assertTagOrDigest("sha256:short")).toThrow(/digest/);
  });
});
