// The fault scenarios: this library's uploads and downloads through the fault-injecting proxy of
// the tests (test/utils/faultProxy.ts, loaded through tsx), against the CNCF registry and the
// emulator, each with its faults and fault-free, so the report can say what the faults cost: bytes
// sent again, requests, time. A report, not a gate.
import { rm } from "node:fs/promises";
import path from "node:path";
import { tsImport } from "tsx/esm/api";
import { open as openRawNode } from "../contenders/node.mjs";
import { MiB, writeUniqueBlob } from "./data.mjs";
import { dropBlobData } from "./registry.mjs";

const FAULT_PROXY = new URL("../../test/utils/faultProxy.ts", import.meta.url).href;
const EMULATOR = new URL("../../dist/esm/emulator/index.js", import.meta.url).href;
let proxyModule;
const faultProxy = () => (proxyModule ??= tsImport(FAULT_PROXY, import.meta.url));

const isPatch = ({ method }) => method === "PATCH";
const isBody = ({ method }) => method === "PATCH" || method === "PUT";
const isBlobGet = ({ method, path: requestPath }) => method === "GET" && /\/blobs\/sha256:/.test(requestPath);

/** The emulator, in this process, storing blobs in the benchmark's storage folder: started once, stopped by run.mjs. */
function emulatorOf(ctx) {
  ctx.emulator ??= (async () => {
    const { startAcrEmulator } = await import(EMULATOR);
    const storageDirectory = path.join(ctx.dataDir, "emulator");
    const emulator = await startAcrEmulator({ authentication: false, storageDirectory });
    return { endpoint: emulator.endpoint, storageDirectory, stop: () => emulator.close() };
  })();
  return ctx.emulator;
}

export const SERVERS = {
  cncf: {
    label: "CNCF registry 2.8",
    target: async (ctx) => ctx.registries.http,
    drop: async (ctx, digest) => dropBlobData(ctx.dataDir, digest),
  },
  emulator: {
    label: "emulator",
    target: emulatorOf,
    drop: async (ctx, digest) => {
      const hex = digest.slice("sha256:".length);
      await rm(path.join((await emulatorOf(ctx)).storageDirectory, "blobs", "sha256", hex.slice(0, 2), hex), { force: true });
    },
  },
};

const CHAOS = { resetRate: 0.01, serverErrorRate: 0.05, throttleRate: 0.01, retryAfterSeconds: 0 };
const CHAOS_RATE = CHAOS.resetRate + CHAOS.serverErrorRate + CHAOS.throttleRate;

/**
 * The `count`-th seed (from 1) whose chaos strikes request number `index` (from 0) of a transfer:
 * the request that carries the blob (an upload's PATCH, a download's GET). At these rates a
 * transfer of a few requests mostly meets no fault at all; these seeds make every faulted run meet
 * one there, at a random offset and of a random kind, and the chaos goes on for every later request.
 * The chaos draws three numbers per request and strikes when the first is below the sum of its rates.
 */
async function strikingSeed(count, index) {
  const { seededRandom } = await faultProxy();
  for (let seed = 1, found = 0; ; seed++) {
    const random = seededRandom(seed);
    for (let draw = 0; draw < 3 * index; draw++) random();
    if (random() < CHAOS_RATE && ++found === count) return seed;
  }
}

/** What the proxy injects into the faulted run number `run` (1, 2, ...) of `operation` on a blob of `size` bytes. */
export const PLANS = {
  clean: { label: "none", short: "none", proxy: async () => ({}) },
  chaos: {
    label: "1% resets, 5% 5xx, 1% 429 per request, seeded to strike the blob's request",
    short: "chaos: 1% resets, 5% 5xx, 1% 429 per request",
    proxy: async (run, _size, operation) => ({ chaos: { ...CHAOS, seed: await strikingSeed(run, operation === "upload" ? 1 : 0) } }),
  },
  cuts: {
    label: "3 resets, 1/4 of the blob into each of the first 3 PATCH bodies",
    short: "3 resets, 1/4 of the blob into each of the first 3 PATCH bodies",
    proxy: async (_run, size) => ({ faults: [1, 2, 3].map(() => ({ match: isPatch, times: 1, fault: { kind: "reset-request", atByte: size / 4 } })) }),
  },
};

function sizeLabel(bytes) {
  return bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)} GiB` : `${bytes / MiB} MiB`;
}

/** What the proxy saw of one run: the figures of the Faults table. */
function proxyReport(proxy, operation, size) {
  const transferred = operation === "upload" ? proxy.bytesUploaded(isBody) : proxy.bytesDownloaded(isBlobGet);
  const faults = {};
  for (const record of [...proxy.requests, ...(proxy.blobStorage?.requests ?? [])]) {
    if (record.fault !== "none") faults[record.fault] = (faults[record.fault] ?? 0) + 1;
  }
  return {
    faultRun: {
      proxyRequests: proxy.requests.length,
      sentRatio: transferred / size,
      ...(operation === "upload" && { forwardedRatio: proxy.bytesForwarded(isBody) / size }),
      sessions: proxy.count("POST"),
      faults,
    },
  };
}

/**
 * One (operation, size, server) with its faults: even runs go fault-free, odd runs with the faults
 * (seeded with the run's number), so that both halves meet the same machine, in alternation. Both
 * go through the proxy.
 */
function faultScenario({ operation, size, server, plan, runsEach }) {
  const name = `${operation}-${sizeLabel(size).replace(" ", "")}-${server}-${plan}`;
  let target;
  let fixture;
  return {
    id: `faults-${name}`,
    title: `${operation} ${sizeLabel(size)} to ${SERVERS[server].label}, faults: ${PLANS[plan].label}`,
    label: `${operation} ${sizeLabel(size)}`,
    planLabel: `${PLANS[plan].short} (${runsEach} runs)`,
    serverLabel: SERVERS[server].label,
    kind: "faults",
    operation,
    size,
    server,
    plan,
    reps: 2 * runsEach,
    contenders: ["library"],
    transports: ["http"],
    async setup(ctx) {
      target = await SERVERS[server].target(ctx);
      if (operation !== "download") return;
      const file = path.join(ctx.scratchDir, `fault-fixture-${name}`);
      await writeUniqueBlob(file, size);
      const client = await openRawNode({ endpoint: target.endpoint, repo: "faults" });
      fixture = (await client.upload({ file, size })).digest;
      await rm(file);
    },
    async prepare(ctx, _contender, rep) {
      const faulted = rep % 2 === 1;
      const seed = Math.floor(rep / 2) + 1;
      const { startFaultProxy } = await faultProxy();
      const faults = await PLANS[faulted ? plan : "clean"].proxy(seed, size, operation);
      const proxy = await startFaultProxy({ target: target.endpoint, ...faults });
      const file = path.join(ctx.scratchDir, `fault-upload-${name}-${rep}`);
      const digest = operation === "upload" ? await writeUniqueBlob(file, size) : fixture;
      return {
        params: { endpoint: proxy.endpoint, repo: "faults", file, size, digest },
        bytes: size,
        tags: { faulted, seed: faults.chaos?.seed },
        check: async (result) => {
          if (operation === "upload" && result.detail.digest !== digest) throw new Error(`uploaded ${digest}, got ${result.detail.digest}`);
          // The library's download stream fails on a digest mismatch: all bytes read means all verified.
          if (operation === "download" && result.detail.bytes !== size) throw new Error(`read ${result.detail.bytes} bytes`);
          await proxy.settled();
        },
        report: () => proxyReport(proxy, operation, size),
        cleanup: async () => {
          await proxy.stop();
          await rm(file, { force: true });
          if (operation === "upload") await SERVERS[server].drop(ctx, digest);
        },
      };
    },
    async teardown(ctx) {
      if (fixture) await SERVERS[server].drop(ctx, fixture);
    },
  };
}

/**
 * 256 MiB up and down through chaos, 1 GiB up through 3 resets (--small: 64 / 128 MiB), against
 * both servers, 10 faulted runs of each chaos and 3 of the resets (--small: 3 and 1), each with as
 * many fault-free runs in alternation.
 */
export function makeFaultScenarios({ small }) {
  const chaos = { size: (small ? 64 : 256) * MiB, plan: "chaos", runsEach: small ? 3 : 10 };
  const cuts = { size: (small ? 128 : 1024) * MiB, plan: "cuts", runsEach: small ? 1 : 3 };
  const cases = [
    { operation: "upload", ...chaos },
    { operation: "download", ...chaos },
    { operation: "upload", ...cuts },
  ];
  return cases.flatMap((variant) => Object.keys(SERVERS).map((server) => faultScenario({ ...variant, server })));
}
