// Every contender behind one interface: run(op, params) -> {seconds, requests, maxRssKiB,
// wallSeconds, detail}, each call in a new client process.
import { statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { curlContender } from "../contenders/curl.mjs";
import { skopeoContender } from "../contenders/skopeo.mjs";
import { runMeasured } from "./exec.mjs";

const CHILD = fileURLToPath(new URL("../contenders/child.mjs", import.meta.url));
// Written by scripts/build.mjs once the ESM build is complete.
const LIBRARY_BUILD_MARK = fileURLToPath(new URL("../../dist/esm/package.json", import.meta.url));
const BUILD_WAIT_MS = 180_000;

/**
 * Others rebuild the library in the same tree (`npm run build` empties dist/ first): wait for a
 * complete build rather than fail the run. Returns the build's time, so a report can tell when
 * runs of one benchmark used different builds.
 */
async function libraryBuild() {
  const deadline = Date.now() + BUILD_WAIT_MS;
  for (;;) {
    try {
      return statSync(LIBRARY_BUILD_MARK).mtime.toISOString();
    } catch (error) {
      if (error.code !== "ENOENT" || Date.now() > deadline) throw error;
      await sleep(1000);
    }
  }
}

/** A Node contender module (contenders/NAME.mjs) run through contenders/child.mjs. */
function nodeContender(name, { endpoint, copyEndpoint, ca, scratchDir, profileDir }) {
  const env = { ...process.env };
  // Inherited flags would make Node runs differ from one shell to the next.
  delete env.NODE_OPTIONS;
  // Trust for the official SDK and raw Node; the library is given tlsOptions instead (see library.mjs).
  if (ca) env.NODE_EXTRA_CA_CERTS = ca;
  return {
    /** `runName` names the CPU profile of the run, when profiling. */
    async run(op, params, runName) {
      const build = name === "library" ? await libraryBuild() : undefined;
      const job = JSON.stringify({ contender: name, op, params: { endpoint, copyEndpoint, ca, ...params } });
      const profile = profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir, "--cpu-prof-name", `${runName}.cpuprofile`] : [];
      const run = await runMeasured(process.execPath, [...profile, CHILD, job], { env, scratchDir });
      const result = JSON.parse(run.stdout.trim().split("\n").pop());
      return { ...result, maxRssKiB: run.maxRssKiB, wallSeconds: run.wallSeconds, build };
    },
  };
}

function external(contender) {
  return { run: (op, params) => contender[op](params) };
}

/**
 * @param {{http: object, https: object}} registries
 * @returns {Record<string, {id, label, transport, kind, run}>} by id, e.g. "library-https"
 */
export function makeContenders(registries, { ca, scratchDir, profileDir }) {
  const contenders = {};
  for (const transport of ["http", "https"]) {
    const endpoint = registries[transport].endpoint;
    // The destination of registry-to-registry copies: another registry, with a storage of its own.
    const copyEndpoint = registries[`${transport}Copy`]?.endpoint;
    const tlsCa = transport === "https" ? ca : undefined;
    const options = { endpoint, copyEndpoint, ca: tlsCa, scratchDir };
    const add = (kind, label, runner) => {
      const id = `${kind}-${transport}`;
      contenders[id] = { id, label: `${label} (${transport})`, transport, kind, ...runner };
    };
    add("library", "this library", nodeContender("library", { ...options, profileDir }));
    // The official SDK refuses plain http (bearer auth over non-TLS) before sending anything.
    if (transport === "https") add("official", "official 1.1.2", nodeContender("official", { ...options, profileDir }));
    add("node", "node http(s)", nodeContender("node", { ...options, profileDir }));
    add("curl", "curl", external(curlContender(options)));
    add("skopeo", "skopeo", external(skopeoContender(options)));
  }
  return contenders;
}
