import { describe, expect, it } from "vitest";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { chunkContentRange, chunkMinLength, nextUploadUrl, parseUploadRange, withQueryParameter } from "../../../src/transfer/uploadLocation.js";

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

  it("reads a Range 0-<last> as last + 1 bytes held, and 0-0 as none (distribution's empty session)", () => {
    expect(parseUploadRange("0-1048575")).toBe(1048576);
    expect(parseUploadRange("bytes=0-9")).toBe(10);
    expect(parseUploadRange("0-0")).toBe(0);
  });

  it("reads no offset from a missing or malformed Range", () => {
    for (const value of [undefined, "", "5-9", "0-", "bytes 0-9", "0-x"]) expect(parseUploadRange(value)).toBeUndefined();
  });
});
