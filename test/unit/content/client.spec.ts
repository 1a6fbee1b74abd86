import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { useInstrumenter, type Instrumenter, type TracingContext } from "@azure/core-tracing";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { ContainerRegistryContentClient, DigestMismatchError, isRestError, KnownManifestMediaType, type OciImageManifest } from "../../../src/index.js";
import { makeTempDir } from "../../utils/processCleanup.js";
import { ENDPOINT, error, FakeRegistry, sha256 } from "./fakeRegistry.js";

const MiB = 1024 * 1024;
const manifest: OciImageManifest = {
  schemaVersion: 2,
  mediaType: KnownManifestMediaType.OciImageManifest,
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(Buffer.from("{}")), size: 2 },
  layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: sha256(Buffer.from("x")), size: 1, annotations: { "org.opencontainers.image.title": "x" } }],
};

function setup(options: { additionalPolicies?: Array<{ policy: PipelinePolicy; position: "perCall" | "perRetry" }> } = {}) {
  const registry = new FakeRegistry();
  const client = new ContainerRegistryContentClient(ENDPOINT, "library/test", { httpClient: registry, retryOptions: { maxRetries: 0 }, ...options });
  return { registry, client };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe("manifests", () => {
  it("round-trips a manifest object by digest and by tag, with its exact bytes", async () => {
    const { registry, client } = setup();
    const { digest } = await client.setManifest(manifest, { tag: "v1" });
    const bytes = Buffer.from(JSON.stringify(manifest));
    expect(digest).toBe(sha256(bytes));
    const put = registry.requests.find((r) => r.method === "PUT")!;
    expect(new URL(put.url).pathname).toBe("/v2/library/test/manifests/v1");
    expect(put.headers["content-type"]).toBe(KnownManifestMediaType.OciImageManifest);
    for (const reference of ["v1", digest]) {
      const result = await client.getManifest(reference);
      expect(result).toMatchObject({ digest, mediaType: KnownManifestMediaType.OciImageManifest, manifest });
      expect(result.content.equals(bytes)).toBe(true);
    }
    const get = registry.requests.find((r) => r.method === "GET")!;
    for (const type of Object.values(KnownManifestMediaType)) expect(get.headers.accept).toContain(type);
  });

  it("pushes by digest when no tag is given, keeping bytes exactly", async () => {
    const { registry, client } = setup();
    const pretty = Buffer.from(JSON.stringify(manifest, null, 2) + "\n");
    expect(await client.setManifest(pretty)).toEqual({ digest: sha256(pretty), sizeInBytes: pretty.length });
    expect(decodeURIComponent(new URL(registry.requests[0]!.url).pathname)).toBe(`/v2/library/test/manifests/${sha256(pretty)}`);
    expect(registry.manifests.get(sha256(pretty))?.bytes.equals(pretty)).toBe(true);
    expect(await client.setManifest(Readable.from([pretty]))).toEqual({ digest: sha256(pretty), sizeInBytes: pretty.length });
  });

  it("refuses a Docker manifest without a media type before sending anything", async () => {
    const { registry, client } = setup();
    const docker = { schemaVersion: 2, config: { mediaType: "application/vnd.docker.container.image.v1+json", digest: "sha256:0", size: 1 }, layers: [] };
    await expect(client.setManifest(docker)).rejects.toThrow(/mediaType/);
    expect(registry.requests).toHaveLength(0);
    await client.setManifest(docker, { mediaType: KnownManifestMediaType.DockerManifest });
    expect(registry.requests[0]!.headers["content-type"]).toBe(KnownManifestMediaType.DockerManifest);
  });

  it("fails with DigestMismatchError when the registry reports another digest for a pushed manifest", async () => {
    const { registry, client } = setup();
    const other = sha256(Buffer.from("other"));
    registry.handlers.push((request) => (request.method === "PUT" ? { status: 201, headers: { "docker-content-digest": other } } : undefined));
    await expect(client.setManifest(manifest)).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it("fails with DigestMismatchError when fetched content does not match the requested digest", async () => {
    const { registry, client } = setup();
    const { digest } = await client.setManifest(manifest);
    const tampered = Buffer.from(JSON.stringify({ ...manifest, layers: [] }));
    registry.handlers.push((request) =>
      request.method === "GET" ? { status: 200, headers: { "content-type": manifest.mediaType!, "docker-content-digest": digest }, body: tampered } : undefined,
    );
    const failure = await client.getManifest(digest).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DigestMismatchError);
    expect(failure).toMatchObject({ expectedDigest: digest, actualDigest: sha256(tampered) });
  });

  it("fails with DigestMismatchError when fetched content by tag contradicts Docker-Content-Digest", async () => {
    const { registry, client } = setup();
    registry.handlers.push(() => ({
      status: 200,
      headers: { "content-type": manifest.mediaType!, "docker-content-digest": sha256(Buffer.from("other")) },
      body: JSON.stringify(manifest),
    }));
    await expect(client.getManifest("v1")).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it("refuses a manifest announced over 4 MiB without reading its body", async () => {
    const { registry, client } = setup();
    let read = 0;
    const body = new Readable({
      read() {
        read += 1;
        this.push(Buffer.alloc(65_536));
      },
    });
    registry.handlers.push(() => ({ status: 200, headers: { "content-type": manifest.mediaType!, "content-length": String(4 * MiB + 1) }, body }));
    await expect(client.getManifest("big")).rejects.toMatchObject({ code: "ManifestTooLarge" });
    expect(read).toBeLessThanOrEqual(1);
    expect(body.destroyed).toBe(true);
  });

  it("refuses a manifest over 4 MiB without a Content-Length by counting while reading", async () => {
    const { registry, client } = setup();
    let produced = 0;
    const body = new Readable({
      read() {
        produced += 65_536;
        this.push(Buffer.alloc(65_536, 0x20));
      },
    });
    registry.handlers.push(() => ({ status: 200, headers: { "content-type": manifest.mediaType! }, body }));
    await expect(client.getManifest("endless")).rejects.toMatchObject({ code: "ManifestTooLarge" });
    expect(produced).toBeLessThan(4 * MiB + 512 * 1024);
  });

  it("maps registry errors to RestErrors with the registry's code", async () => {
    const { client } = setup();
    const failure = await client.getManifest("missing").catch((e: unknown) => e);
    expect(isRestError(failure)).toBe(true);
    expect(failure).toMatchObject({ statusCode: 404, code: "MANIFEST_UNKNOWN" });
  });

  it("deletes manifests by digest; a missing one counts as deleted", async () => {
    const { registry, client } = setup();
    const { digest } = await client.setManifest(manifest);
    await client.deleteManifest(digest);
    await client.deleteManifest(sha256(Buffer.from("gone")));
    expect(registry.count("DELETE")).toBe(2);
    await expect(client.deleteManifest("latest")).rejects.toThrow(RangeError);
    expect(registry.count("DELETE")).toBe(2);
  });
});

describe("blobs", () => {
  it("downloads a blob, verified, with its size", async () => {
    const { client } = setup();
    const data = Buffer.alloc(3 * MiB + 7, 3);
    const { digest } = await client.uploadBlob(data);
    const result = await client.downloadBlob(digest);
    expect(result.sizeInBytes).toBe(data.length);
    expect((await readAll(result.content)).equals(data)).toBe(true);
  });

  it("rejects downloadBlob itself (not the stream) when the blob does not exist", async () => {
    const { client } = setup();
    await expect(client.downloadBlob(sha256(Buffer.from("none")))).rejects.toMatchObject({ statusCode: 404, code: "BLOB_UNKNOWN" });
  });

  it("deletes blobs; a missing blob counts as deleted", async () => {
    const { registry, client } = setup();
    const { digest } = await client.uploadBlob(Buffer.from("b"));
    await client.deleteBlob(digest);
    await client.deleteBlob(digest);
    expect(registry.blobs.size).toBe(0);
  });

  it("tells whether a blob exists and its size with HEAD", async () => {
    const { registry, client } = setup();
    const { digest } = await client.uploadBlob(Buffer.from("hello"));
    expect(await client.blobExists(digest)).toBe(true);
    expect(await client.getBlobProperties(digest)).toEqual({ digest, sizeInBytes: 5 });
    const missing = sha256(Buffer.from("missing"));
    expect(await client.blobExists(missing)).toBe(false);
    await expect(client.getBlobProperties(missing)).rejects.toMatchObject({ statusCode: 404 });
    expect(registry.count("HEAD")).toBe(4);
  });

  it("mounts a blob from another repository; when the registry opens a session instead, cancels it", async () => {
    const { registry, client } = setup();
    const { digest } = await client.uploadBlob(Buffer.from("shared"));
    expect(await client.mountBlob(digest, "library/other")).toEqual({ digest, mounted: true });
    const absent = sha256(Buffer.from("absent"));
    expect(await client.mountBlob(absent, "library/other")).toEqual({ digest: absent, mounted: false });
    expect(registry.requests.at(-1)!.method).toBe("DELETE");
    expect(registry.uploads.size).toBe(0);
  });
});

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

describe("tracing", () => {
  afterEach(() => useInstrumenter(undefined as unknown as Instrumenter));

  it("opens one span per public method, named ContainerRegistryContentClient.<method>", async () => {
    const names: string[] = [];
    const context: TracingContext = { getValue: () => undefined, setValue: () => context, deleteValue: () => context };
    useInstrumenter({
      startSpan(name) {
        names.push(name);
        return {
          span: { setStatus: () => undefined, setAttribute: () => undefined, end: () => undefined, recordException: () => undefined, isRecording: () => true },
          tracingContext: context,
        };
      },
      withContext: (_ctx, callback, ...args) => callback(...args),
      parseTraceparentHeader: () => undefined,
      createRequestHeaders: () => ({}),
    });
    const { client } = setup();
    const { digest } = await client.uploadBlob(Buffer.from("t"));
    await readAll((await client.downloadBlob(digest)).content);
    await client.downloadBlobToFile(digest, path.join(makeTempDir("acr-test-span-"), "t"));
    await client.blobExists(digest);
    await client.getBlobProperties(digest);
    await client.mountBlob(digest, "library/other");
    await client.deleteBlob(digest);
    const pushed = await client.setManifest(manifest);
    await client.getManifest(pushed.digest);
    await client.deleteManifest(pushed.digest);
    expect(names.filter((name) => name.startsWith("ContainerRegistryContentClient."))).toEqual(
      ["uploadBlob", "downloadBlob", "downloadBlobToFile", "blobExists", "getBlobProperties", "mountBlob", "deleteBlob", "setManifest", "getManifest", "deleteManifest"].map(
        (method) => `ContainerRegistryContentClient.${method}`,
      ),
    );
  });
});

describe("construction", () => {
  it("exposes endpoint and repositoryName, normalising the endpoint", () => {
    const client = new ContainerRegistryContentClient("myregistry.azurecr.io/", "library/hello-world");
    expect(client.endpoint).toBe("https://myregistry.azurecr.io");
    expect(client.repositoryName).toBe("library/hello-world");
  });

  it("refuses a registry error body as the success of an upload", async () => {
    const { registry, client } = setup();
    registry.handlers.push((request) => (request.method === "POST" ? error(401, "UNAUTHORIZED", "authentication required") : undefined));
    await expect(client.uploadBlob(Buffer.from("x"))).rejects.toMatchObject({ statusCode: 401, code: "UNAUTHORIZED" });
  });
});
