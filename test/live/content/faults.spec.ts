// The content client under faults, against the real CNCF distribution registry: tampered bytes,
// digests the registry did not compute, connections dropped mid-download, redirects to another
// host, uploads aborted half-way.
import { existsSync, readdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError } from "@azure/abort-controller";
import { DigestMismatchError, KnownManifestMediaType } from "../../../src/index.js";
import { startFaultProxy, type FaultProxy } from "../../utils/faultProxy.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../../utils/registry.js";
import {
  BASIC_AUTHORIZATION,
  BASIC_USER,
  bytes,
  contentClient,
  expectNoCredentials,
  MiB,
  readAll,
  sha256,
  SKIP_MESSAGE,
  userCredentialsPolicy,
} from "./support.js";

interface Tamperer {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * A reverse proxy that either flips the first byte of every blob and manifest body it returns
 * (`flip`), or replaces the Docker-Content-Digest of manifest pushes and pulls with one of its own (`forge`).
 */
async function startTamperer(target: string, mode: "flip" | "forge"): Promise<Tamperer> {
  const upstream = new URL(target);
  const server = http.createServer((request, response) => {
    const forwarded = http.request(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        const headers = { ...answer.headers };
        const isContent = mode === "flip" && request.method === "GET" && /\/(blobs|manifests)\//.test(request.url ?? "");
        if (mode === "forge" && /\/manifests\//.test(request.url ?? "")) headers["docker-content-digest"] = sha256(Buffer.from("forged"));
        response.writeHead(answer.statusCode ?? 502, headers);
        let first = isContent;
        answer.on("data", (chunk: Buffer) => {
          if (first && chunk.length > 0) {
            chunk = Buffer.from(chunk);
            chunk[0] ^= 0xff;
            first = false;
          }
          response.write(chunk);
        });
        answer.on("end", () => response.end());
      },
    );
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!distributionRegistryAvailable())("content client faults against the CNCF distribution registry", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startDistributionRegistry();
  });
  afterAll(() => registry?.stop());

  describe("tampering", () => {
    let tamperer: Tamperer;
    beforeAll(async () => {
      tamperer = await startTamperer(registry.endpoint, "flip");
    });
    afterAll(() => tamperer?.stop());

    it("a tampered blob fails the download stream with DigestMismatchError", async () => {
      const data = bytes(300_000, 1);
      const { digest } = await contentClient(registry, "faults/tamper").uploadBlob(data);
      const client = contentClient({ ...registry, endpoint: tamperer.endpoint }, "faults/tamper");
      const { content } = await client.downloadBlob(digest);
      const failure = await readAll(content).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DigestMismatchError);
      expect(failure).toMatchObject({ expectedDigest: digest });
    });

    it("a tampered manifest fails getManifest by digest and by tag with DigestMismatchError", async () => {
      const honest = contentClient(registry, "faults/tamper");
      const config = await honest.uploadBlob(Buffer.from("{}"));
      const manifest = {
        schemaVersion: 2,
        mediaType: KnownManifestMediaType.OciImageManifest,
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: 2 },
        layers: [],
      };
      const { digest } = await honest.setManifest(manifest, { tag: "v1" });
      const client = contentClient({ ...registry, endpoint: tamperer.endpoint }, "faults/tamper");
      await expect(client.getManifest(digest)).rejects.toBeInstanceOf(DigestMismatchError);
      await expect(client.getManifest("v1")).rejects.toBeInstanceOf(DigestMismatchError);
    });

    it("a manifest push answered with another digest fails with DigestMismatchError", async () => {
      const forger = await startTamperer(registry.endpoint, "forge");
      try {
        const client = contentClient({ ...registry, endpoint: forger.endpoint }, "faults/forged");
        const config = await client.uploadBlob(Buffer.from("{ }"));
        const failure = await client
          .setManifest({ schemaVersion: 2, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: 3 }, layers: [] })
          .catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(DigestMismatchError);
        expect(failure).toMatchObject({ actualDigest: sha256(Buffer.from("forged")) });
      } finally {
        await forger.stop();
      }
    });

    it("a manifest whose Docker-Content-Digest is not its own fails getManifest by tag with DigestMismatchError", async () => {
      const honest = contentClient(registry, "faults/forged");
      const config = await honest.uploadBlob(Buffer.from("{}"));
      await honest.setManifest(
        { schemaVersion: 2, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: 2 }, layers: [] },
        { tag: "v1" },
      );
      const forger = await startTamperer(registry.endpoint, "forge");
      try {
        const failure = await contentClient({ ...registry, endpoint: forger.endpoint }, "faults/forged").getManifest("v1").catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(DigestMismatchError);
        expect(failure).toMatchObject({ expectedDigest: sha256(Buffer.from("forged")) });
      } finally {
        await forger.stop();
      }
    });
  });

  describe("dropped connections", () => {
    let proxy: FaultProxy;
    afterAll(() => proxy?.stop());

    it("resumes a download cut mid-body with Range, and delivers exact bytes", async () => {
      const data = bytes(8 * MiB + 3, 3);
      const { digest } = await contentClient(registry, "faults/cut").uploadBlob(data);
      proxy = await startFaultProxy({
        target: registry.endpoint,
        cut: { match: ({ method, path }) => method === "GET" && path.includes("/blobs/"), afterBytes: 3 * MiB + 17, times: 2 },
      });
      const client = contentClient({ ...registry, endpoint: proxy.endpoint }, "faults/cut");
      const { content } = await client.downloadBlob(digest);
      const received = await readAll(content);
      expect(received.length).toBe(data.length);
      expect(received.equals(data)).toBe(true);
      expect(proxy.cuts).toBe(2);
      const gets = proxy.requests.filter((r) => r.method === "GET" && r.path.includes("/blobs/"));
      expect(gets.map((r) => r.headers.range)).toEqual([undefined, `bytes=${3 * MiB + 17}-`, `bytes=${2 * (3 * MiB + 17)}-`]);
    });
  });

  describe("redirects to another host", () => {
    let secured: RunningRegistry;
    let proxy: FaultProxy;

    beforeAll(async () => {
      secured = await startDistributionRegistry({ htpasswd: BASIC_USER });
      proxy = await startFaultProxy({
        target: secured.endpoint,
        redirectBlobs: true,
        cut: { match: ({ method, path }) => method === "GET" && path.includes("/blobs/"), afterBytes: MiB },
      });
    });
    afterAll(async () => {
      await proxy?.stop();
      await secured?.stop();
    });

    it("follows the redirect without credentials, and resumes at the signed URL", async () => {
      const client = contentClient({ ...secured, endpoint: proxy.endpoint }, "faults/redirect", {
        additionalPolicies: [{ policy: userCredentialsPolicy, position: "perCall" }],
      });
      const data = bytes(3 * MiB, 4);
      const { digest } = await client.uploadBlob(data);
      const { content } = await client.downloadBlob(digest);
      expect((await readAll(content)).equals(data)).toBe(true);
      const storage = proxy.blobStorage!.requests;
      expect(storage).toHaveLength(2);
      expectNoCredentials(storage);
      expect(storage[1]!.headers.range).toBe(`bytes=${MiB}-`);
      // The resume went to the signed URL, not back to the registry.
      expect(proxy.count("GET", /\/blobs\/sha256:/)).toBe(1);
      expect(proxy.requests.find((r) => r.method === "GET")!.headers.authorization).toBe(BASIC_AUTHORIZATION);
    });
  });

  describe("aborted uploads", () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy({ target: registry.endpoint });
    });
    afterAll(() => proxy?.stop());

    /** Upload sessions holding data (distribution leaves an empty hash-state folder behind a cancelled one). */
    const sessionsWithData = (repository: string): string[] => {
      const dir = path.join(registry.dataDir, "docker/registry/v2/repositories", repository, "_uploads");
      return existsSync(dir) ? readdirSync(dir).filter((id) => existsSync(path.join(dir, id, "data"))) : [];
    };

    it("an upload aborted between chunks cancels its session: the registry drops it", async () => {
      const client = contentClient({ ...registry, endpoint: proxy.endpoint }, "faults/abort-chunked", { uploadChunkSizeInBytes: MiB });
      const controller = new AbortController();
      // One chunk, then a source that never delivers again: the abort lands between PATCHes.
      const source = new Readable({ read() {} });
      source.push(bytes(MiB, 11));
      const failure = await client
        .uploadBlob(source, {
          abortSignal: controller.signal,
          onProgress: ({ loadedBytes }) => loadedBytes === MiB && setTimeout(() => controller.abort(), 200),
        })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AbortError);
      expect(proxy.requests.filter((r) => r.path.startsWith("/v2/faults/abort-chunked/")).map((r) => r.method)).toEqual(["POST", "PATCH", "DELETE"]);
      expect(sessionsWithData("faults/abort-chunked")).toEqual([]);
      expect(source.destroyed).toBe(true);
    });

    it("an upload aborted mid-PATCH stops sending and asks the registry to cancel its session", async () => {
      const client = contentClient({ ...registry, endpoint: proxy.endpoint }, "faults/abort-whole");
      const controller = new AbortController();
      let sent = 0;
      const source = new Readable({
        read() {
          // Slow enough for the abort to land while the body streams.
          setTimeout(() => {
            sent += 256 * 1024;
            this.push(bytes(256 * 1024, sent));
            if (sent === 2 * MiB) controller.abort();
          }, 2);
        },
      });
      const failure = await client.uploadBlob(source, { abortSignal: controller.signal, sizeInBytes: 64 * MiB }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(AbortError);
      const requests = proxy.requests.filter((r) => r.path.startsWith("/v2/faults/abort-whole/"));
      expect(requests.map((r) => r.method)).toEqual(["POST", "PATCH", "DELETE"]);
      expect(requests[2]!.url).toBe(requests[1]!.url);
      expect(source.destroyed).toBe(true);
      expect(sent).toBeLessThan(4 * MiB);
      // distribution 2.8 refuses that DELETE (its upload state still says offset 0 while the cut PATCH
      // wrote some bytes) and leaves the session for its upload purger; ACR expires sessions the same way.
    });
  });

  describe("cross-repository mounts", () => {
    it("mounts a blob another repository holds, and reports an absent one as not mounted", async () => {
      const source = contentClient(registry, "faults/mount-source");
      const { digest } = await source.uploadBlob(bytes(5000, 5));
      const target = contentClient(registry, "faults/mount-target");
      expect(await target.mountBlob(digest, "faults/mount-source")).toEqual({ digest, mounted: true });
      expect(await target.blobExists(digest)).toBe(true);
      const absent = sha256(Buffer.from("absent"));
      expect(await target.mountBlob(absent, "faults/mount-source")).toEqual({ digest: absent, mounted: false });
    });
  });
});

describe.runIf(!distributionRegistryAvailable())("content client faults against the CNCF distribution registry", () => {
  it.skip(SKIP_MESSAGE, () => undefined);
});
