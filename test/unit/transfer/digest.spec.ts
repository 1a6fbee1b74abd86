import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { assertDigestMatches, computeDigest, digestAlgorithm, Digester, HashingTransform } from "../../../src/transfer/digest.js";
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

  it("HashingTransform passes bytes through unchanged and knows their digest at the end", async () => {
    const hasher = new HashingTransform(6);
    const out: Buffer[] = [];
    Readable.from([Buffer.from("abc"), "def"]).pipe(hasher);
    for await (const chunk of hasher) out.push(chunk as Buffer);
    expect(Buffer.concat(out).toString()).toBe("abcdef");
    expect(hasher.digest()).toBe(sha256(Buffer.from("abcdef")));
  });

  it("HashingTransform refuses more or fewer bytes than announced", async () => {
    const drain = async (expected: number): Promise<unknown> => {
      const hasher = new HashingTransform(expected);
      Readable.from([Buffer.from("abcdef")]).pipe(hasher);
      try {
        for await (const _ of hasher);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    expect(await drain(5)).toBeInstanceOf(RangeError);
    expect(await drain(7)).toBeInstanceOf(RangeError);
    expect(await drain(6)).toBeUndefined();
  });
});
