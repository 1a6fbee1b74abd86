import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { positionOf } from "../../../src/transfer/openedBlob.js";

function response(status: number, headers: Record<string, string>, bodyBytes = Buffer.alloc(0)): PipelineResponse {
  const request = createPipelineRequest({ url: "https://registry.test/v2/a/blobs/sha256:0" });
  return { request, status, headers: createHttpHeaders(headers), readableStreamBody: Readable.from([bodyBytes]) };
}

describe("positionOf", () => {
  it("reads the start of a 206 from Content-Range and the total size", () => {
    expect(positionOf(response(206, { "content-range": "bytes 100-199/200" }), 100)).toMatchObject({ skip: 0, totalBytes: 200 });
    expect(positionOf(response(206, { "content-range": "bytes 90-199/*" }), 100)).toMatchObject({ skip: 10, totalBytes: undefined });
  });

  it("skips the offset of a 200 answer to a Range request", () => {
    expect(positionOf(response(200, { "content-length": "200" }), 100)).toMatchObject({ skip: 100, totalBytes: 200 });
  });

  it("refuses a 206 that starts past the offset or has no Content-Range", () => {
    expect(() => positionOf(response(206, { "content-range": "bytes 150-199/200" }), 100)).toThrow(/Content-Range/);
    expect(() => positionOf(response(206, {}), 100)).toThrow(/Content-Range/);
  });

  it("turns other statuses into RestErrors", () => {
    const notFound = response(404, { "content-type": "application/json" });
    notFound.readableStreamBody = undefined;
    notFound.bodyAsText = JSON.stringify({ errors: [{ code: "BLOB_UNKNOWN", message: "blob unknown to registry" }] });
    expect(() => positionOf(notFound, 0)).toThrow(expect.objectContaining({ statusCode: 404, code: "BLOB_UNKNOWN" }));
  });
});
