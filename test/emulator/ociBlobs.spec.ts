import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { ALL_SCOPES, client, digestOf, pushBlob, tokenFor, type Client } from "./helpers.js";

describe("emulator: OCI blob uploads and downloads", () => {
  let emulator: AcrEmulator;
  let call: Client;

  beforeAll(async () => {
    emulator = await startAcrEmulator();
    call = client(emulator, await tokenFor(emulator, ...ALL_SCOPES("blobs/a"), ...ALL_SCOPES("blobs/b"), ...ALL_SCOPES("blobs/c")));
  });
  afterAll(() => emulator.close());

  async function startUpload(repository = "blobs/a"): Promise<string> {
    const response = await call(`/v2/${repository}/blobs/uploads/`, { method: "POST" });
    expect(response.status).toBe(202);
    expect(response.headers.get("range")).toBe("0-0");
    expect(response.headers.get("docker-upload-uuid")).toMatch(/^[0-9a-f-]{36}$/);
    const location = response.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^/v2/${repository}/blobs/uploads/[0-9a-f-]{36}\\?`));
    return location;
  }

  const withDigest = (location: string, digest: string): string => `${location}&digest=${encodeURIComponent(digest)}`;

  it("accepts a monolithic upload and serves the blob", async () => {
    const digest = await pushBlob(call, "blobs/a", "monolithic");
    const head = await call(`/v2/blobs/a/blobs/${digest}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("10");
    expect(head.headers.get("docker-content-digest")).toBe(digest);
    const get = await call(`/v2/blobs%2Fa/blobs/${encodeURIComponent(digest)}`);
    expect(await get.text()).toBe("monolithic");
  });

  it("accepts chunks with ACR's Content-Range and refuses one at the wrong offset", async () => {
    let location = await startUpload();
    let response = await call(location, { method: "PATCH", headers: { "Content-Range": "0-4" }, body: "hello" });
    expect(response.status).toBe(202);
    expect(response.headers.get("range")).toBe("0-4");
    location = response.headers.get("location")!;

    const wrong = await call(location, { method: "PATCH", headers: { "Content-Range": "3-8" }, body: "xxxxxx" });
    expect(wrong.status).toBe(416);
    expect(wrong.headers.get("range")).toBe("0-4");

    response = await call(location, { method: "PATCH", headers: { "Content-Range": "bytes 5-10" }, body: " world" });
    expect(response.status).toBe(202);
    const status = await call(response.headers.get("location")!);
    expect(status.status).toBe(204);
    expect(status.headers.get("range")).toBe("0-10");

    const put = await call(withDigest(status.headers.get("location")!, digestOf("hello world")), { method: "PUT" });
    expect(put.status).toBe(201);
    expect(put.headers.get("location")).toBe(`/v2/blobs/a/blobs/${digestOf("hello world")}`);
    expect(await (await call(put.headers.get("location")!)).text()).toBe("hello world");
  });

  it("streams a PATCH without a length and takes a final chunk with the PUT", async () => {
    const location = await startUpload();
    const stream = Readable.from([Buffer.from("abc"), Buffer.from("def")]);
    const patch = await call(location, { method: "PATCH", body: Readable.toWeb(stream) as ReadableStream, duplex: "half" });
    expect(patch.status).toBe(202);
    expect(patch.headers.get("range")).toBe("0-5");
    const put = await call(withDigest(patch.headers.get("location")!, digestOf("abcdefgh")), { method: "PUT", body: "gh" });
    expect(put.status).toBe(201);
    expect(put.headers.get("docker-content-digest")).toBe(digestOf("abcdefgh"));
  });

  it("rejects a wrong digest with DIGEST_INVALID and keeps the session", async () => {
    const location = await startUpload();
    const patch = await call(location, { method: "PATCH", body: "data" });
    const put = await call(withDigest(patch.headers.get("location")!, digestOf("other")), { method: "PUT" });
    expect(put.status).toBe(400);
    expect(((await put.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe("DIGEST_INVALID");
    expect((await call(withDigest(patch.headers.get("location")!, digestOf("data")), { method: "PUT" })).status).toBe(201);
  });

  it("cancels an upload", async () => {
    const location = await startUpload();
    expect((await call(location, { method: "DELETE" })).status).toBe(204);
    const after = await call(location);
    expect(after.status).toBe(404);
    expect(((await after.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe("BLOB_UPLOAD_UNKNOWN");
  });

  it("mounts a blob from another repository, or opens a session when the source lacks it", async () => {
    const digest = await pushBlob(call, "blobs/a", "shared layer");
    const mounted = await call(`/v2/blobs/b/blobs/uploads/?mount=${digest}&from=blobs/a`, { method: "POST" });
    expect(mounted.status).toBe(201);
    expect(mounted.headers.get("location")).toBe(`/v2/blobs/b/blobs/${digest}`);
    expect(await (await call(`/v2/blobs/b/blobs/${digest}`)).text()).toBe("shared layer");

    const fallback = await call(`/v2/blobs/c/blobs/uploads/?mount=${digestOf("absent")}&from=blobs/a`, { method: "POST" });
    expect(fallback.status).toBe(202);
    expect(fallback.headers.get("docker-upload-uuid")).toBeTruthy();
  });

  it("serves byte ranges", async () => {
    const digest = await pushBlob(call, "blobs/a", "0123456789");
    const cases: Array<[string, number, string, string]> = [
      ["bytes=2-5", 206, "2345", "bytes 2-5/10"],
      ["bytes=7-", 206, "789", "bytes 7-9/10"],
      ["bytes=-2", 206, "89", "bytes 8-9/10"],
    ];
    for (const [range, status, body, contentRange] of cases) {
      const response = await call(`/v2/blobs/a/blobs/${digest}`, { headers: { Range: range } });
      expect(response.status).toBe(status);
      expect(response.headers.get("content-range")).toBe(contentRange);
      expect(await response.text()).toBe(body);
    }
    const unsatisfiable = await call(`/v2/blobs/a/blobs/${digest}`, { headers: { Range: "bytes=20-30" } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get("content-range")).toBe("bytes */10");
  });

  it("deletes a blob (202), then answers 404 BLOB_UNKNOWN", async () => {
    const digest = await pushBlob(call, "blobs/a", "to delete");
    expect((await call(`/v2/blobs/a/blobs/${digest}`, { method: "DELETE" })).status).toBe(202);
    const again = await call(`/v2/blobs/a/blobs/${digest}`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ errors: [{ code: "BLOB_UNKNOWN", message: "blob unknown to registry" }] });
    expect((await call(`/v2/blobs/a/blobs/${digest}`)).status).toBe(404);
  });

  it("redirects blob GETs to a signed storage link when asked, which refuses a bearer token", async () => {
    const redirecting = await startAcrEmulator({ redirectBlobDownloads: true, authentication: false });
    try {
      const open = client(redirecting);
      const digest = await pushBlob(open, "r", "redirected");
      const response = await open(`/v2/r/blobs/${digest}`);
      expect(response.status).toBe(307);
      const location = response.headers.get("location")!;
      expect(location.startsWith(`${redirecting.endpoint}/_storage/`)).toBe(true);
      expect(await (await fetch(location)).text()).toBe("redirected");
      expect((await fetch(location, { headers: { Authorization: "Bearer x" } })).status).toBe(403);
      expect((await fetch(location.replace(/sig=[^&]+/, "sig=forged"))).status).toBe(403);
    } finally {
      await redirecting.close();
    }
  });

  it("counts requests by path and method", () => {
    expect(emulator.countRequests({ method: "PATCH", path: /^\/v2\/blobs\/a\/blobs\/uploads\// })).toBeGreaterThanOrEqual(4);
    expect(emulator.countRequests({ operation: "uploads" })).toBeGreaterThan(0);
  });
});
