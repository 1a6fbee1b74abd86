import { describe, expect, it } from "vitest";
import { assertDigestMatches, BlobHasher, computeDigest, digestAlgorithm, Digester } from "../../../src/transfer/digest.js";
import { DigestMismatchError } from "../../../src/index.js";
import { sha256 } from "../fakes/fakeRegistry.js";

describe("digests", () => {
  it("hashes incrementally with the algorithm of the expected digest", () => {
    const digester = new Digester(`sha512:${"0".repeat(128)}`);
    digester.update(Buffer.from("ab"));
    digester.update(Buffer.from("c"));
    expect(digester.digest()).toBe(computeDigest(Buffer.from("abc"), "sha512"));
    expect(new Digester().algorithm).toBe("sha256");
  });

  it("refuses algorithms it cannot compute", () => {
    expect(() => digestAlgorithm("md5:abc")).toThrow(RangeError);
    expect(digestAlgorithm(`sha256:${"0".repeat(64)}`)).toBe("sha256");
  });

  it("compares digests, hex case-insensitively", () => {
    const digest = sha256(Buffer.from("x"));
    expect(() => assertDigestMatches("x", digest, digest.toUpperCase().replace("SHA256", "sha256"))).not.toThrow();
    expect(() => assertDigestMatches("x", digest, sha256(Buffer.from("y")))).toThrow(DigestMismatchError);
  });

  it("BlobHasher hashes bytes sent again (a resume from an earlier offset) only once", () => {
    const blob = Buffer.from("0123456789abcdef");
    const hasher = new BlobHasher();
    hasher.update(0, blob.subarray(0, 10));
    hasher.update(6, blob.subarray(6, 12));
    hasher.update(8, blob.subarray(8, 9));
    hasher.update(12, blob.subarray(12));
    expect(hasher.hashedBytes).toBe(16);
    expect(hasher.digestOf(16)).toBe(sha256(blob));
    expect(hasher.digestOf(16)).toBe(sha256(blob));
  });

  it("BlobHasher refuses a gap, and a digest before every byte is hashed", () => {
    const hasher = new BlobHasher();
    hasher.update(0, Buffer.from("0123"));
    expect(() => hasher.update(5, Buffer.from("5"))).toThrow(/only 4 bytes/);
    expect(() => hasher.digestOf(16)).toThrow(/hashed 4 of its 16 bytes/);
  });
});
