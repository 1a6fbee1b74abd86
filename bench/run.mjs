#!/usr/bin/env node
// Benchmarks this library against the official @azure/container-registry 1.1.2, curl, skopeo and
// raw Node http(s), all talking to the real CNCF distribution registry on loopback.
//
//   node bench/run.mjs [--small] [--faults] [--reps N] [--only ID,ID] [--cpu-prof]
//
// --faults runs only the fault scenarios (this library through a fault-injecting proxy, against the
// CNCF registry and the emulator: see lib/faults.mjs) and updates only the Faults table.
//
// Contenders run in alternation (round-robin, the order rotating each round), each run in a new
// process. Targets are reported, never enforced: the exit code only says whether the harness ran.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statfsSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { makeTempDir, sweepStaleTempDirs } from "./lib/cleanup.mjs";
import { makeContenders } from "./lib/contenders.mjs";
import { machineInfo } from "./lib/machine.mjs";
import { makeCertificate, startRegistry } from "./lib/registry.mjs";
import { writeReports } from "./lib/report.mjs";
import { makeScenarios } from "./lib/scenarios.mjs";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = path.dirname(BENCH_DIR);
const GiB = 1024 ** 3;

const { values: args } = parseArgs({
  options: {
    small: { type: "boolean", default: false },
    faults: { type: "boolean", default: false },
    reps: { type: "string" },
    only: { type: "string" },
    "cpu-prof": { type: "boolean", default: false },
  },
});
const reps = Number(args.reps ?? 3);
if (!Number.isInteger(reps) || reps < 1) throw new RangeError(`--reps must be a positive integer, got ${args.reps}`);

/** The library is benchmarked from its build: build it when dist/ is missing. */
function ensureLibraryBuilt() {
  if (!existsSync(path.join(ROOT_DIR, "dist/esm/index.js"))) {
    console.log("dist/ missing: building the library (npm run build)");
    execFileSync("npm", ["run", "build"], { cwd: ROOT_DIR, stdio: "inherit" });
  }
}

function freeBytes(dir) {
  const { bavail, bsize } = statfsSync(dir);
  return bavail * bsize;
}

function checkDiskSpace(dir, needed) {
  if (freeBytes(dir) < needed) {
    throw new Error(`${dir} has ${(freeBytes(dir) / GiB).toFixed(1)} GiB free; the benchmark needs ${needed / GiB} GiB`);
  }
}

/**
 * The registry's storage goes to tmpfs (/dev/shm) when it has room: the disk of a shared VM adds
 * noise that belongs to no client, and distribution's many small metadata files (5000 tags) take
 * 15x longer to write on it. Peak use is about 3 GiB (1.6 GiB of download fixtures + one upload).
 */
function storageRoot(small) {
  if (process.env.BENCH_STORAGE_DIR) return process.env.BENCH_STORAGE_DIR;
  const shm = "/dev/shm";
  return existsSync(shm) && freeBytes(shm) > (small ? 2 : 8) * GiB ? shm : undefined;
}

/** One run in a client process; retried once, since a shared machine can fail a run (the failure is kept). */
async function measure(ctx, scenario, contender, rep) {
  const record = { scenario: scenario.id, contender: contender.id, rep, load1: loadavg()[0] };
  for (let attempt = 1; attempt <= 2; attempt++) {
    const run = await scenario.prepare(ctx, contender, rep);
    // What the run is, beyond its scenario (a fault scenario's plan and seed), kept even when it fails.
    Object.assign(record, run.tags);
    try {
      const result = await contender.run(scenario.operation, run.params, `${scenario.id}-${contender.id}-${rep + 1}-${attempt}`);
      await run.check(result);
      // What the server side saw (a fault scenario's proxy): bytes, requests, faults.
      if (run.report) Object.assign(record, run.report());
      Object.assign(record, {
        seconds: result.seconds,
        cpuSeconds: result.cpuSeconds,
        wallSeconds: result.wallSeconds,
        requests: result.requests,
        maxRssKiB: result.maxRssKiB,
        ...(result.rssBeforeKiB && { rssBeforeKiB: Math.round(result.rssBeforeKiB) }),
        ...(result.build && { libraryBuild: result.build }),
        ...(run.bytes && { bytes: run.bytes, mbps: run.bytes / 1e6 / result.seconds }),
        ...(result.detail.latenciesMs && { latenciesMs: result.detail.latenciesMs.map((ms) => Math.round(ms * 1000) / 1000) }),
      });
      if (record.error) {
        record.retriedAfter = record.error;
        delete record.error;
      }
      return record;
    } catch (error) {
      record.error = [record.error, `attempt ${attempt}: ${error.message}`].filter(Boolean).join("\n");
    } finally {
      await run.cleanup();
    }
  }
  return record;
}

function describe(record) {
  if (record.error) {
    const lastAttempt = record.error.slice(record.error.lastIndexOf("attempt ")).split("\n");
    return `FAILED ${lastAttempt.find((line) => /error/i.test(line)) ?? lastAttempt[0]}`;
  }
  const figure = record.mbps !== undefined ? `${record.mbps.toFixed(1)} MB/s` : `${(record.seconds * 1000).toFixed(1)} ms`;
  const cpu = `${(record.cpuSeconds * 1000).toFixed(0)} ms CPU`;
  const faults = record.faultRun
    ? `  ${record.faulted ? `faults ${Object.values(record.faultRun.faults).reduce((a, b) => a + b, 0)}` : "fault-free"}, sent ${record.faultRun.sentRatio.toFixed(3)}x`
    : "";
  return `${figure}  ${cpu}  ${record.requests} req  ${(record.maxRssKiB / 1024).toFixed(0)} MiB RSS${faults}`;
}

async function main() {
  ensureLibraryBuilt();
  const storage = storageRoot(args.small);
  for (const root of [undefined, storage]) sweepStaleTempDirs(root);
  const scratchDir = makeTempDir("scratch");
  const dataDir = makeTempDir("storage", storage);
  checkDiskSpace(scratchDir, (args.small ? 1 : 3) * GiB);
  checkDiskSpace(dataDir, (args.small ? 1 : 3) * GiB);
  const profileDir = args["cpu-prof"] ? path.join(BENCH_DIR, "results", "tmp", "profiles") : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  const tls = makeCertificate(scratchDir);
  // https with relative upload URLs: the official SDK breaks on absolute ones. http keeps
  // distribution's default absolute URLs, which any client must handle too.
  const copyDataDir = makeTempDir("storage-copy", storage);
  const registries = {
    http: await startRegistry({ dataDir }),
    https: await startRegistry({ dataDir, tls, relativeUrls: true }),
    // Destinations of registry-to-registry copies: their own storage, so nothing is there before a copy.
    httpCopy: await startRegistry({ dataDir: copyDataDir }),
    httpsCopy: await startRegistry({ dataDir: copyDataDir, tls, relativeUrls: true }),
  };
  let ctx;
  try {
    const contenders = makeContenders(registries, { ca: tls.cert, scratchDir, profileDir });
    ctx = { registries, contenders, ca: tls.cert, scratchDir, dataDir, copyDataDir };
    const only = args.only?.split(",");
    const scenarios = makeScenarios({ small: args.small })
      .filter((s) => !only || only.includes(s.id))
      .filter((s) => !args.faults || s.kind === "faults");
    const started = new Date();
    const machine = { ...machineInfo(), registryStorage: storage ?? "system temp dir" };
    const runs = [];
    for (const scenario of scenarios) {
      const setupStarted = performance.now();
      const lineup = Object.values(contenders).filter(
        (c) => scenario.contenders.includes(c.kind) && (!scenario.transports || scenario.transports.includes(c.transport)),
      );
      try {
        await scenario.setup?.(ctx);
      } catch (error) {
        // The other scenarios can still run: this one is reported as failed, contender by contender.
        console.log(`\n== ${scenario.title}: setup FAILED: ${error.message}`);
        for (const contender of lineup) runs.push({ scenario: scenario.id, contender: contender.id, error: `setup: ${error.message}` });
        continue;
      }
      console.log(`\n== ${scenario.title} (setup ${((performance.now() - setupStarted) / 1000).toFixed(1)} s)`);
      for (let rep = 0; rep < (scenario.reps ?? reps); rep++) {
        // Round-robin, rotating who goes first: no contender always follows the same one.
        const order = lineup.map((_, i) => lineup[(i + rep) % lineup.length]);
        for (const contender of order) {
          const record = await measure(ctx, scenario, contender, rep);
          runs.push(record);
          console.log(`  ${String(rep + 1).padStart(2)} ${contender.id.padEnd(15)} ${describe(record)}`);
        }
      }
      await scenario.teardown?.(ctx);
    }
    machine.loadAverageAtEnd = loadavg();
    const report = writeReports({
      name: args.small ? "small" : only || profileDir ? "partial" : args.faults ? "faults" : "latest",
      reps,
      started,
      finished: new Date(),
      machine,
      scenarios,
      contenders,
      runs,
    });
    console.log(report);
  } finally {
    // The emulator of the fault scenarios, when they started it.
    await (await ctx?.emulator)?.stop();
    await Promise.all(Object.values(registries).map((registry) => registry.stop()));
  }
}

await main();
