// downloadBlobToFile against real servers: the CNCF distribution registry over http and TLS, and
// the ACR emulator with token authentication and ACR's 307 to blob storage. Blob GETs go through
// the client's pipelines to the static-buffer HttpClient, never through node:http; faults (tampered
// bytes, cut connections, aborts, a redirect to another host) leave no file behind.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import http, { type ClientRequest } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError } from "@azure/abort-controller";
import { DigestMismatchError, type ContainerRegistryContentClient } from "../../../src/index.js";
import { startAcrEmulator } from "../../../src/emulator/index.js";
import { startFaultProxy } from "../../utils/faultProxy.js";
import { makeTempDir } from "../../utils/processCleanup.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../../utils/registry.js";
import {
  BASIC_AUTHORIZATION,
  BASIC_USER,
  bytes,
  contentClient,
  expectNoCredentials,
  MiB,
  sha256,
  SKIP_MESSAGE,
  userCredentialsPolicy,
  type LiveRegistry,
} from "./support.js";

interface Server {
  name: string;
  seed: number;
  available: boolean;
  start(): Promise<LiveRegistry & { stop(): Promise<void> }>;
}

const servers: Server[] = [
  { name: "distribution, http", seed: 1, available: distributionRegistryAvailable(), start: () => startDistributionRegistry() },
  { name: "distribution, TLS", seed: 2, available: distributionRegistryAvailable(), start: () => startDistributionRegistry({ tls: true }) },
  {
    name: "ACR emulator, token authentication, blob GETs redirected to storage",
    seed: 3,
    available: true,
    start: async () => {
      const emulator = await startAcrEmulator({ redirectBlobDownloads: true });
      return { endpoint: emulator.endpoint, credential: emulator.credential, stop: () => emulator.close() };
    },
  },
];

/** Paths of the requests this process made with node:http(s) while `run` ran. */
async function nodeHttpPaths(run: () => Promise<unknown>): Promise<string[]> {
  const paths: string[] = [];
  const onRequest = (message: unknown): void => {
    paths.push((message as { request: ClientRequest }).request.path);
  };
  subscribe("http.client.request.start", onRequest);
  try {
    await run();
  } finally {
    unsubscribe("http.client.request.start", onRequest);
  }
  return paths;
}

/** Downloads into a fresh folder; resolves with the folder's entries afterwards and the outcome. */
async function downloadInto(client: ContainerRegistryContentClient, digest: string, options: Parameters<ContainerRegistryContentClient["downloadBlobToFile"]>[2] = {}) {
  const dir = makeTempDir("acr-test-to-file-");
  const file = path.join(dir, "blob.bin");
  const outcome = await client.downloadBlobToFile(digest, file, options).catch((error: unknown) => error);
  return { dir, file, outcome, entries: readdirSync(dir) };
}

describe("downloadBlobToFile against real servers", () => {
  describe.each(servers.filter((server) => server.available))("$name", (server) => {
    let registry: LiveRegistry & { stop(): Promise<void> };
    beforeAll(async () => {
      registry = await server.start();
    });
    afterAll(() => registry?.stop());

    it.each([0, 1, MiB + 1, 64 * MiB])("round-trips a blob of %i bytes into a file, without node:http", async (size) => {
      const client = contentClient(registry, "files/sizes");
      const data = bytes(size, size + server.seed);
      const { digest } = await client.uploadBlob(data);
      let result: Awaited<ReturnType<typeof downloadInto>> | undefined;
      const paths = await nodeHttpPaths(async () => {
        result = await downloadInto(client, digest);
      });
      expect(result!.outcome).toEqual({ digest, sizeInBytes: size });
      expect(result!.entries).toEqual(["blob.bin"]);
      expect(readFileSync(result!.file).equals(data)).toBe(true);
      // Token requests may use node:http; blob bytes (registry or storage URL) never do.
      expect(paths.filter((p) => p.includes(digest.slice("sha256:".length)))).toEqual([]);
    });
  });
});

describe.skipIf(!distributionRegistryAvailable())("downloadBlobToFile under faults, against the CNCF distribution registry", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startDistributionRegistry();
  });
  afterAll(() => registry?.stop());

  it("a tampered blob fails with DigestMismatchError and leaves no file, the target untouched", async () => {
    const data = bytes(5 * MiB, 20);
    const digest = sha256(data);
    const tampered = Buffer.from(data);
    tampered[3 * MiB] ^= 0xff;
    // A tiny registry that answers every blob GET with the tampered bytes.
    const fake = http.createServer((_request, response) => {
      response.writeHead(200, { "Content-Length": tampered.length, "Content-Type": "application/octet-stream" }).end(tampered);
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    try {
      const client = contentClient({ endpoint: `http://127.0.0.1:${(fake.address() as AddressInfo).port}` }, "files/tampered");
      const dir = makeTempDir("acr-test-to-file-");
      const file = path.join(dir, "blob.bin");
      writeFileSync(file, "previous");
      const failure = await client.downloadBlobToFile(digest, file).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DigestMismatchError);
      expect(failure).toMatchObject({ expectedDigest: digest, actualDigest: sha256(tampered) });
      expect(readdirSync(dir)).toEqual(["blob.bin"]);
      expect(readFileSync(file, "utf8")).toBe("previous");
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it("a missing blob fails with the registry's 404 and creates nothing", async () => {
    const { outcome, entries } = await downloadInto(contentClient(registry, "files/missing"), sha256(Buffer.from("absent")));
    expect(outcome).toMatchObject({ name: "RestError", statusCode: 404 });
    expect(entries).toEqual([]);
  });

  it("resumes a connection cut mid-body with Range, and the file is exact", async () => {
    const data = bytes(8 * MiB + 3, 21);
    const { digest } = await contentClient(registry, "files/cut").uploadBlob(data);
    const cutAt = 3 * MiB + 17;
    const proxy = await startFaultProxy({
      target: registry.endpoint,
      cut: { match: ({ method, path }) => method === "GET" && path.includes("/blobs/"), afterBytes: cutAt, times: 2 },
    });
    try {
      const client = contentClient({ endpoint: proxy.endpoint }, "files/cut");
      const { outcome, entries, file } = await downloadInto(client, digest);
      expect(outcome).toEqual({ digest, sizeInBytes: data.length });
      expect(entries).toEqual(["blob.bin"]);
      expect(readFileSync(file).equals(data)).toBe(true);
      expect(proxy.cuts).toBe(2);
      const ranges = proxy.requests.filter((r) => r.method === "GET" && r.path.includes("/blobs/")).map((r) => r.headers.range);
      expect(ranges).toEqual([undefined, `bytes=${cutAt}-`, `bytes=${2 * cutAt}-`]);
    } finally {
      await proxy.stop();
    }
  });

  it("gives up once maxResumeAttempts cuts in a row brought nothing, and leaves nothing", async () => {
    const data = bytes(MiB, 22);
    const { digest } = await contentClient(registry, "files/cut-always").uploadBlob(data);
    const proxy = await startFaultProxy({
      target: registry.endpoint,
      cut: { match: ({ method, path }) => method === "GET" && path.includes("/blobs/"), afterBytes: 0, times: 10 },
    });
    try {
      const { outcome, entries } = await downloadInto(contentClient({ endpoint: proxy.endpoint }, "files/cut-always"), digest, { maxResumeAttempts: 2 });
      expect(outcome).toBeInstanceOf(Error);
      expect(proxy.cuts).toBe(3);
      expect(entries).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it("an abort mid-download rejects with AbortError and leaves nothing", async () => {
    const data = bytes(64 * MiB, 23);
    const client = contentClient(registry, "files/abort");
    const { digest } = await client.uploadBlob(data);
    const controller = new AbortController();
    const { outcome, entries } = await downloadInto(client, digest, {
      abortSignal: controller.signal,
      onProgress: ({ loadedBytes }) => loadedBytes >= 8 * MiB && controller.abort(),
    });
    expect(outcome).toBeInstanceOf(AbortError);
    expect(entries).toEqual([]);
  });

  describe("a redirect to another host", () => {
    let secured: RunningRegistry;
    beforeAll(async () => {
      secured = await startDistributionRegistry({ htpasswd: BASIC_USER });
    });
    afterAll(() => secured?.stop());

    it("is followed without credentials, and a cut is resumed at the signed URL", async () => {
      const proxy = await startFaultProxy({
        target: secured.endpoint,
        redirectBlobs: true,
        cut: { match: ({ method, path }) => method === "GET" && path.includes("/blobs/"), afterBytes: MiB },
      });
      try {
        const client = contentClient({ endpoint: proxy.endpoint }, "files/redirect", { additionalPolicies: [{ policy: userCredentialsPolicy, position: "perCall" }] });
        const data = bytes(3 * MiB, 24);
        const { digest } = await client.uploadBlob(data);
        const { outcome, file } = await downloadInto(client, digest);
        expect(outcome).toEqual({ digest, sizeInBytes: data.length });
        expect(readFileSync(file).equals(data)).toBe(true);
        const storage = proxy.blobStorage!.requests;
        expect(storage).toHaveLength(2);
        expectNoCredentials(storage);
        expect(storage[1]!.headers.range).toBe(`bytes=${MiB}-`);
        expect(proxy.count("GET", /\/blobs\/sha256:/)).toBe(1);
        expect(proxy.requests.find((r) => r.method === "GET")!.headers.authorization).toBe(BASIC_AUTHORIZATION);
      } finally {
        await proxy.stop();
      }
    });
  });
});

describe.runIf(!distributionRegistryAvailable())("downloadBlobToFile against the CNCF distribution registry", () => {
  it.skip(SKIP_MESSAGE, () => undefined);
});
