import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { ChunkReader } from "../../../src/transfer/chunkReader.js";
import { assertDigestMatches, computeDigest, digestAlgorithm, Digester, HashingTransform } from "../../../src/transfer/digest.js";
import { chunkContentRange, chunkMinLength, nextUploadUrl, withQueryParameter } from "../../../src/transfer/uploadLocation.js";
import { DigestMismatchError } from "../../../src/index.js";
import { sha256 } from "../fakes/fakeRegistry.js";

function answered(url: string, headers: Record<string, string>): PipelineResponse {
  return { request: createPipelineRequest({ url }), status: 202, headers: createHttpHeaders(headers) };
}

describe("upload locations", () => {
  const requestUrl = "https://registry.test/v2/a/blobs/uploads/";

  it("resolves relative Locations against the request and keeps absolute ones", () => {
    expect(nextUploadUrl(answered(requestUrl, { location: "/v2/a/blobs/uploads/u1?_state=x%3D" }))).toBe(
      "https://registry.test/v2/a/blobs/uploads/u1?_state=x%3D",
    );
    expect(nextUploadUrl(answered(requestUrl, { location: "http://127.0.0.1:5000/v2/a/blobs/uploads/u1?_state=y" }))).toBe(
      "http://127.0.0.1:5000/v2/a/blobs/uploads/u1?_state=y",
    );
    // The official SDK dropped the first character of every Location: "/v2/..." worked by luck, "https://..." did not.
    expect(nextUploadUrl(answered(requestUrl, { location: "https://other.test/upload" }))).toBe("https://other.test/upload");
  });

  it("stays at the same URL when a response has no Location", () => {
    expect(nextUploadUrl(answered(`${requestUrl}u1?_state=s`, {}))).toBe(`${requestUrl}u1?_state=s`);
  });

  it("appends the digest without re-encoding the opaque upload state", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    expect(withQueryParameter("https://r.test/u?_nouploadcache=false&_state=ab%3D%3D", "digest", digest)).toBe(
      `https://r.test/u?_nouploadcache=false&_state=ab%3D%3D&digest=sha256%3A${"a".repeat(64)}`,
    );
    expect(withQueryParameter("https://r.test/u", "digest", digest)).toBe(`https://r.test/u?digest=sha256%3A${"a".repeat(64)}`);
    expect(withQueryParameter("https://r.test/u?", "digest", "d")).toBe("https://r.test/u?digest=d");
  });

  it("formats Content-Range as <start>-<end> inclusive, without a unit", () => {
    expect(chunkContentRange(0, 1)).toBe("0-0");
    expect(chunkContentRange(4194304, 4194304)).toBe("4194304-8388607");
  });

  it("reads a valid OCI-Chunk-Min-Length only", () => {
    expect(chunkMinLength(answered(requestUrl, { "oci-chunk-min-length": "5242880" }))).toBe(5242880);
    for (const bad of ["", "0", "-1", "abc", "1.5"]) expect(chunkMinLength(answered(requestUrl, { "oci-chunk-min-length": bad }))).toBeUndefined();
  });
});

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

describe("ChunkReader", () => {
  const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i & 0xff));

  it("cuts a stream into chunks of at most maxBytes across piece boundaries, hashing once", async () => {
    const reader = new ChunkReader(Readable.from([data.subarray(0, 3000), data.subarray(3000, 3001), data.subarray(3001)]));
    const chunks: Buffer[] = [];
    for (let chunk = await reader.read(4096); chunk.length > 0; chunk = await reader.read(4096)) chunks.push(Buffer.from(chunk));
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 1808]);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect(reader.ended).toBe(true);
    expect(reader.digest()).toBe(sha256(data));
  });

  it("knows the stream ended when the last chunk is short, without another read", async () => {
    const reader = new ChunkReader(Readable.from([data]));
    expect((await reader.read(20_000)).length).toBe(10_000);
    expect(reader.ended).toBe(true);
  });

  it("does not hold a full chunk for a small blob", async () => {
    const reader = new ChunkReader(Readable.from([Buffer.from("tiny")]));
    const chunk = await reader.read(64 * 1024 * 1024);
    expect(chunk.toString()).toBe("tiny");
    expect(chunk.buffer.byteLength).toBeLessThanOrEqual(64 * 1024);
  });

  it("refuses to tell the digest before the end", async () => {
    const reader = new ChunkReader(Readable.from([data]));
    await reader.read(10);
    expect(() => reader.digest()).toThrow(/end/);
  });
});
