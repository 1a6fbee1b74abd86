import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "../utils/faultProxy.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../utils/registry.js";
import { sha256Digest } from "../utils/recordingFormat.js";
import { pushBlob, readAll, readUntilError, send, STREAM_ALL } from "./pipelineSend.js";

const blob = randomBytes(1024 * 1024);
const isBlobGet = ({ method, path }: { method: string; path: string }): boolean =>
  method === "GET" && /\/blobs\/sha256:/.test(path);
const basic = `Basic ${Buffer.from("bob:pw").toString("base64")}`;

describe.skipIf(!distributionRegistryAvailable())("startFaultProxy (needs /usr/bin/docker-registry)", () => {
  let registry: RunningRegistry;
  let digest: string;
  let proxy: FaultProxy | undefined;

  beforeAll(async () => {
    registry = await startDistributionRegistry({ htpasswd: { user: "bob", password: "pw" } });
    digest = await pushBlob(registry.endpoint, "repo", blob, { headers: { Authorization: basic } });
  });
  afterAll(() => registry?.stop());
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });

  const blobUrl = (endpoint: string): string => `${endpoint}/v2/repo/blobs/${digest}`;

  it("forwards requests, counts them, and keeps absolute Locations pointing at itself", async () => {
    proxy = await startFaultProxy({ target: registry.endpoint });
    const headers = { Authorization: basic };
    const started = await send(`${proxy.endpoint}/v2/other/blobs/uploads/`, { method: "POST", headers });
    expect(started.headers.get("location")!.startsWith(`${proxy.endpoint}/v2/other/blobs/uploads/`)).toBe(true);
    const pushed = await pushBlob(proxy.endpoint, "other", Buffer.from("small"), { headers });
    const fetched = await send(`${proxy.endpoint}/v2/other/blobs/${pushed}`, { headers, streamResponseStatusCodes: STREAM_ALL });
    expect((await readAll(fetched.readableStreamBody!)).toString()).toBe("small");
    expect(proxy.count("POST", "/v2/other/blobs/uploads/")).toBe(2);
    expect(proxy.count("PUT", /^\/v2\/other\/blobs\/uploads\/[\w-]+$/)).toBe(1);
    expect(proxy.count("GET")).toBe(1);
    expect(proxy.requests.map((r) => r.method)).toEqual(["POST", "POST", "PUT", "GET"]);
    expect(proxy.connections).toBeGreaterThanOrEqual(1);
    expect(proxy.connections).toBeLessThanOrEqual(proxy.requests.length);
  });

  it("cuts the first matching responses after N body bytes, then lets a ranged retry through", async () => {
    proxy = await startFaultProxy({ target: registry.endpoint, cut: { match: isBlobGet, afterBytes: 100_000, times: 1 } });
    const headers = { Authorization: basic };
    const first = await send(blobUrl(proxy.endpoint), { headers, streamResponseStatusCodes: STREAM_ALL });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-length")).toBe(String(blob.length));
    const partial = await readUntilError(first.readableStreamBody!);
    expect(partial.error).toBeDefined();
    // Buffer.equals: toEqual walks a MiB byte by byte.
    expect(partial.bytes.equals(blob.subarray(0, 100_000))).toBe(true);

    const rest = await send(blobUrl(proxy.endpoint), {
      headers: { ...headers, Range: "bytes=100000-" },
      streamResponseStatusCodes: STREAM_ALL,
    });
    expect(rest.status).toBe(206);
    expect(sha256Digest(Buffer.concat([partial.bytes, await readAll(rest.readableStreamBody!)]))).toBe(digest);
    expect(proxy.cuts).toBe(1);
    expect(proxy.count("GET", `/v2/repo/blobs/${digest}`)).toBe(2);
  });

  it("redirects blob GETs to another loopback host that refuses credentials and records what it got", async () => {
    proxy = await startFaultProxy({ target: registry.endpoint, redirectBlobs: true });
    const storage = proxy.blobStorage!;
    expect(new URL(storage.endpoint).hostname).toBe("127.0.0.2");

    const redirect = await send(blobUrl(proxy.endpoint), { headers: { Authorization: basic } });
    expect(redirect.status).toBe(307);
    const location = redirect.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^${storage.endpoint}/v2/repo/blobs/${digest}\\?sig=\\w+$`));

    const followed = await send(location, { headers: { "X-Custom": "1" }, streamResponseStatusCodes: STREAM_ALL });
    expect(followed.status).toBe(200);
    expect(sha256Digest(await readAll(followed.readableStreamBody!))).toBe(digest);
    expect(storage.requests[0]!.headers.authorization).toBeUndefined();
    expect(storage.requests[0]!.headers["x-custom"]).toBe("1");

    expect((await send(location, { headers: { Authorization: "Bearer leaked" } })).status).toBe(400);
    expect(storage.requests[1]!.headers.authorization).toBe("Bearer leaked");
    expect((await send(`${storage.endpoint}/v2/repo/blobs/${digest}?sig=forged`)).status).toBe(403);
  });

  it("cuts redirected downloads at blob storage too", async () => {
    proxy = await startFaultProxy({
      target: registry.endpoint,
      redirectBlobs: true,
      cut: { match: isBlobGet, afterBytes: 4096, times: 2 },
    });
    const location = (await send(blobUrl(proxy.endpoint), { headers: { Authorization: basic } })).headers.get("location")!;
    const attempts = [];
    for (let i = 0; i < 3; i++) {
      const response = await send(location, { streamResponseStatusCodes: STREAM_ALL });
      attempts.push(await readUntilError(response.readableStreamBody!));
    }
    expect(attempts.map((a) => [a.bytes.length, a.error !== undefined])).toEqual([
      [4096, true],
      [4096, true],
      [blob.length, false],
    ]);
    expect(sha256Digest(attempts[2]!.bytes)).toBe(digest);
  });
});
