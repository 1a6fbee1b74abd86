import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BlobHasher } from "../../../src/transfer/digest.js";
import { parseUploadRange } from "../../../src/transfer/uploadLocation.js";

const sha256 = (bytes: Buffer): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

describe("BlobHasher", () => {
  const blob = Buffer.from("0123456789abcdef");

  it("hashes bytes sent again (a resume from an earlier offset) only once", () => {
    const hasher = new BlobHasher();
    hasher.update(0, blob.subarray(0, 10));
    hasher.update(6, blob.subarray(6, 12));
    hasher.update(8, blob.subarray(8, 9));
    hasher.update(12, blob.subarray(12));
    expect(hasher.hashedBytes).toBe(16);
    expect(hasher.digestOf(16)).toBe(sha256(blob));
    expect(hasher.digestOf(16)).toBe(sha256(blob));
  });

  it("refuses a gap, and a digest before every byte is hashed", () => {
    const hasher = new BlobHasher();
    hasher.update(0, blob.subarray(0, 4));
    expect(() => hasher.update(5, blob.subarray(5, 6))).toThrow(/only 4 bytes/);
    expect(() => hasher.digestOf(16)).toThrow(/hashed 4 of its 16 bytes/);
  });
});

describe("parseUploadRange", () => {
  it("reads Range 0-<last> as last + 1 bytes held, and 0-0 as none (distribution's empty session)", () => {
    expect(parseUploadRange("0-1048575")).toBe(1048576);
    expect(parseUploadRange("bytes=0-9")).toBe(10);
    expect(parseUploadRange("0-0")).toBe(0);
  });

  it("is undefined for a missing or malformed Range", () => {
    for (const value of [undefined, "", "5-9", "0-", "bytes 0-9", "0-x"]) expect(parseUploadRange(value)).toBeUndefined();
  });
});
