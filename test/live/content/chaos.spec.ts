// Uploads and downloads through the fault proxy's chaos (seeded: every run injects the same faults
// into the same requests) against both servers: the real CNCF registry, whose sessions die with a
// cut request, and the emulator, whose sessions survive one. Small blobs; bench/ has the big figures.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator } from "../../../src/emulator/index.js";
import { ContainerRegistryContentClient } from "../../../src/index.js";
import { startFaultProxy, type ChaosOptions, type FaultProxy } from "../../utils/faultProxy.js";
import { distributionRegistryAvailable, startDistributionRegistry } from "../../utils/registry.js";
import { bytes, MiB, readAll, sha256 } from "./support.js";

const CHAOS: ChaosOptions = { seed: 13, resetRate: 0.1, serverErrorRate: 0.15, throttleRate: 0.05, retryAfterSeconds: 0 };

interface Server {
  name: string;
  available: boolean;
  /** Sessions survive a cut request: a stream of unknown length resumes within a chunk. */
  keepsCutSessions: boolean;
  start(): Promise<{ endpoint: string; stop(): Promise<void> }>;
}

const servers: Server[] = [
  {
    name: "the CNCF distribution registry",
    available: distributionRegistryAvailable(),
    keepsCutSessions: false,
    start: () => startDistributionRegistry(),
  },
  {
    name: "the emulator",
    available: true,
    keepsCutSessions: true,
    start: async () => {
      const emulator = await startAcrEmulator({ authentication: false });
      return { endpoint: emulator.endpoint, stop: () => emulator.close() };
    },
  },
];

describe.each(servers)("transfers through seeded chaos (10% resets, 15% 5xx, 5% 429) against $name", (server) => {
  let stopServer: (() => Promise<void>) | undefined;
  let proxy: FaultProxy;
  beforeAll(async () => {
    if (!server.available) return;
    const running = await server.start();
    stopServer = () => running.stop();
    proxy = await startFaultProxy({ target: running.endpoint, chaos: CHAOS });
  });
  afterAll(async () => {
    await proxy?.stop();
    await stopServer?.();
  });

  it.skipIf(!server.available)("uploads of bytes, a file, a known digest (and a stream of unknown length where sessions survive a cut) store the right blobs, and downloads to a stream and to a file return them", async () => {
    const client = new ContainerRegistryContentClient(proxy.endpoint, "chaos/blobs", {
      retryOptions: { maxRetries: 8, retryDelayInMs: 5, maxRetryDelayInMs: 50 },
      uploadChunkSizeInBytes: MiB,
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), "chaos-"));
    const blobs = [bytes(6 * MiB, 41), bytes(6 * MiB, 42), bytes(3 * MiB, 43), bytes(5 * MiB + 3, 44)];
    writeFileSync(path.join(dir, "source"), blobs[1]!);
    // One after the other: the same requests in the same order meet the same faults on every run.
    const uploads = [
      () => client.uploadBlob(blobs[0]!),
      () => client.uploadBlob(path.join(dir, "source")),
      () => client.uploadBlob(blobs[2]!, { digest: sha256(blobs[2]!) }),
      ...(server.keepsCutSessions ? [() => client.uploadBlob(Readable.from([blobs[3]!]))] : []),
    ];
    const stored = [];
    for (const upload of uploads) stored.push((await upload()).digest);
    expect(stored).toEqual(blobs.slice(0, uploads.length).map(sha256));
    for (const [index, digest] of stored.entries()) {
      const { content } = await client.downloadBlob(digest);
      expect((await readAll(content)).equals(blobs[index]!)).toBe(true);
      const file = path.join(dir, `downloaded-${index}`);
      await client.downloadBlobToFile(digest, file);
      expect(readFileSync(file).equals(blobs[index]!)).toBe(true);
    }
    // The chaos did strike: an upload body cut, a blob download failed.
    expect(proxy.requests.some((r) => r.fault === "reset-request" && (r.method === "PATCH" || r.method === "PUT"))).toBe(true);
    expect(proxy.requests.some((r) => r.fault !== "none" && r.method === "GET" && r.path.includes("/blobs/sha256:"))).toBe(true);
  });
});
