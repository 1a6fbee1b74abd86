// Redirects (src/http/redirects.ts) as the content client meets them: blob GETs and HEADs sent to
// another host (ACR's blob storage) lose every credential, same-host ones keep them.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { fakeContentClient, readAll } from "../fakes/fakeRegistry.js";

const setup = (options: { additionalPolicies?: Array<{ policy: PipelinePolicy; position: "perCall" | "perRetry" }> } = {}) => fakeContentClient({}, options);

describe("redirects", () => {
  const credentialHeaders: PipelinePolicy = {
    name: "credentialHeaders",
    sendRequest(request, next) {
      request.headers.set("Authorization", "Bearer registry-token");
      request.headers.set("Cookie", "session=1");
      request.headers.set("Proxy-Authorization", "Basic cHJveHk=");
      request.headers.set("x-ms-custom-secret", "s3cret");
      request.headers.set("X-Registry-Key", "key");
      return next(request);
    },
  };

  it("follows a cross-host blob redirect without any credential header, and resumes at the signed URL", async () => {
    const { registry, client } = setup({ additionalPolicies: [{ policy: credentialHeaders, position: "perCall" }] });
    const data = Buffer.alloc(100_000, 9);
    const { digest } = await client.uploadBlob(data);
    let storageGets = 0;
    registry.handlers.push((request) => {
      const url = new URL(request.url);
      if (url.host === "registry.test" && request.method === "GET" && url.pathname.includes("/blobs/sha256")) {
        return { status: 307, headers: { location: `https://storage.test/blob?sig=abc&se=1` } };
      }
      if (url.host === "storage.test") {
        storageGets++;
        // The first answer drops after 1000 bytes; the resume must come back here with a Range.
        const range = /bytes=(\d+)-/.exec(request.headers.get("range") ?? "");
        const start = range ? Number(range[1]) : 0;
        const body = new Readable({ read() {} });
        body.push(data.subarray(start, storageGets === 1 ? 1000 : data.length));
        if (storageGets === 1) setTimeout(() => body.destroy(new Error("socket hang up")), 5);
        else body.push(null);
        return { status: start ? 206 : 200, headers: { "content-length": String(data.length - start), ...(start ? { "content-range": `bytes ${start}-${data.length - 1}/${data.length}` } : {}) }, body };
      }
      return undefined;
    });
    const result = await client.downloadBlob(digest);
    expect((await readAll(result.content)).equals(data)).toBe(true);
    const toStorage = registry.requests.filter((r) => new URL(r.url).host === "storage.test");
    expect(toStorage).toHaveLength(2);
    for (const request of toStorage) {
      for (const header of ["authorization", "cookie", "proxy-authorization", "x-ms-custom-secret", "x-registry-key", "x-ms-client-request-id"]) {
        expect(request.headers[header]).toBeUndefined();
      }
    }
    expect(toStorage[1]!.headers.range).toBe("bytes=1000-");
    expect(registry.requests.filter((r) => new URL(r.url).host === "registry.test" && r.method === "GET")[0]!.headers.authorization).toBe("Bearer registry-token");
  });

  it("falls back to the registry when the signed URL no longer works", async () => {
    const { registry, client } = setup();
    const data = Buffer.alloc(50_000, 4);
    const { digest } = await client.uploadBlob(data);
    let storageGets = 0;
    registry.handlers.push((request) => {
      const url = new URL(request.url);
      if (url.host === "registry.test" && request.method === "GET" && url.pathname.includes("/blobs/sha256")) {
        return { status: 307, headers: { location: `https://storage.test/blob?sig=${storageGets}` } };
      }
      if (url.host !== "storage.test") return undefined;
      storageGets++;
      if (url.searchParams.get("sig") === "0" && request.headers.has("range")) return { status: 403, body: "AuthenticationFailed" };
      const body = new Readable({ read() {} });
      const range = /bytes=(\d+)-/.exec(request.headers.get("range") ?? "");
      const start = range ? Number(range[1]) : 0;
      body.push(data.subarray(start, storageGets === 1 ? 500 : data.length));
      if (storageGets === 1) setTimeout(() => body.destroy(new Error("socket hang up")), 5);
      else body.push(null);
      return { status: start ? 206 : 200, headers: start ? { "content-range": `bytes ${start}-${data.length - 1}/${data.length}` } : { "content-length": String(data.length) }, body };
    });
    const result = await client.downloadBlob(digest);
    expect((await readAll(result.content)).equals(data)).toBe(true);
    const gets = registry.requests.filter((r) => r.method === "GET").map((r) => `${new URL(r.url).host} ${r.headers.range ?? ""}`);
    expect(gets).toEqual(["registry.test ", "storage.test ", "storage.test bytes=500-", "registry.test bytes=500-", "storage.test bytes=500-"]);
  });

  it("keeps credentials on a same-host redirect", async () => {
    const { registry, client } = setup({ additionalPolicies: [{ policy: credentialHeaders, position: "perCall" }] });
    const data = Buffer.from("same host");
    const { digest } = await client.uploadBlob(data);
    registry.handlers.push((request) => {
      const url = new URL(request.url);
      if (request.method === "GET" && url.pathname.startsWith("/v2/")) return { status: 308, headers: { location: `/mirror${url.pathname}` } };
      if (request.method === "GET" && url.pathname.startsWith("/mirror/")) return { status: 200, headers: { "content-length": String(data.length) }, body: data };
      return undefined;
    });
    const result = await client.downloadBlob(digest);
    expect((await readAll(result.content)).equals(data)).toBe(true);
    const mirror = registry.requests.find((r) => r.url.includes("/mirror/"))!;
    expect(mirror.headers.authorization).toBe("Bearer registry-token");
  });

  it("follows HEAD redirects too", async () => {
    const { registry, client } = setup();
    const { digest } = await client.uploadBlob(Buffer.from("head"));
    registry.handlers.push((request) => {
      const url = new URL(request.url);
      if (request.method === "HEAD" && url.host === "registry.test") return { status: 307, headers: { location: "https://storage.test/b?sig=1" } };
      if (request.method === "HEAD") return { status: 200, headers: { "content-length": "4" } };
      return undefined;
    });
    expect(await client.getBlobProperties(digest)).toEqual({ digest, sizeInBytes: 4 });
  });
});
