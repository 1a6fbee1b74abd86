// The Faults table: per operation and server, what the injected faults cost against the fault-free
// twin run through the same proxy (bytes sent again, requests, sessions, time), and its targets.
import { median } from "./stats.mjs";

const fixed = (value, digits) => (value === undefined || Number.isNaN(value) ? "–" : value.toFixed(digits));

const FAULT_NAMES = {
  "reset-request": "request reset",
  "reset-response": "response reset",
  "error-before": "5xx before",
  "error-after": "5xx after",
  throttle: "429",
};

/** One row per fault scenario: its faulted runs, against its fault-free ones. */
export function faultRows(scenarios, runs) {
  return scenarios.filter((s) => s.kind === "faults").map((scenario) => {
    const mine = runs.filter((r) => r.scenario === scenario.id && r.faulted);
    const good = mine.filter((r) => !r.error);
    const clean = runs.filter((r) => r.scenario === scenario.id && r.faulted === false && !r.error);
    const sent = good.map((r) => r.faultRun.sentRatio);
    const faults = {};
    for (const run of good) for (const [kind, count] of Object.entries(run.faultRun.faults)) faults[kind] = (faults[kind] ?? 0) + count;
    const seconds = good.length ? median(good.map((r) => r.seconds)) : undefined;
    const cleanSeconds = clean.length ? median(clean.map((r) => r.seconds)) : undefined;
    return {
      scenario: scenario.id,
      title: scenario.title,
      label: scenario.label,
      planLabel: scenario.planLabel,
      serverLabel: scenario.serverLabel,
      operation: scenario.operation,
      server: scenario.server,
      plan: scenario.plan,
      runs: good.length,
      failures: mine.length - good.length,
      seconds,
      cleanSeconds,
      timeRatio: seconds !== undefined && cleanSeconds ? seconds / cleanSeconds : undefined,
      sentMedian: sent.length ? median(sent) : undefined,
      sentMax: sent.length ? Math.max(...sent) : undefined,
      forwardedMax: scenario.operation === "upload" && good.length ? Math.max(...good.map((r) => r.faultRun.forwardedRatio)) : undefined,
      requests: good.length ? median(good.map((r) => r.faultRun.proxyRequests)) : undefined,
      cleanRequests: clean.length ? median(clean.map((r) => r.faultRun.proxyRequests)) : undefined,
      sessions: good.length ? Math.max(...good.map((r) => r.faultRun.sessions)) : undefined,
      faults,
    };
  });
}

export function faultsTable(rows) {
  const lines = [
    "| transfer | faults | server | completed | bytes sent / blob (median, max) | reaching the server, max | requests (fault-free) | sessions, max | time s (fault-free) | x fault-free | faults that took effect, all runs |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const row of rows) {
    const faults = Object.entries(row.faults).map(([kind, count]) => `${count} ${FAULT_NAMES[kind] ?? kind}`).join(", ") || "none";
    const upload = row.operation === "upload";
    lines.push(
      `| ${row.label} | ${row.planLabel} | ${row.serverLabel} | ${row.runs}/${row.runs + row.failures} | ` +
        `${fixed(row.sentMedian, 3)}x, ${fixed(row.sentMax, 3)}x | ${upload ? `${fixed(row.forwardedMax, 3)}x` : "–"} | ` +
        `${fixed(row.requests, 0)} (${fixed(row.cleanRequests, 0)}) | ${upload ? fixed(row.sessions, 0) : "–"} | ` +
        `${fixed(row.seconds, 2)} (${fixed(row.cleanSeconds, 2)}) | ${fixed(row.timeRatio, 2)}x | ${faults} |`,
    );
  }
  return lines.join("\n");
}

/** Issue 9's figures: every faulted run completes with the right digest; on the emulator, bounded bytes sent again. */
export function faultTargets(rows) {
  const targets = [];
  for (const row of rows) {
    targets.push({
      name: `${row.title}: runs completed with the right digest`,
      measured: row.runs,
      threshold: row.runs + row.failures,
      unit: "runs",
      comparison: ">=",
      pass: row.failures === 0 && row.runs > 0,
    });
    const bound = row.server !== "emulator" || row.operation !== "upload" ? undefined : row.plan === "cuts" ? 1.1 : 1.2;
    if (bound === undefined) continue;
    targets.push({
      name: `${row.title}: bytes sent / blob (max)`,
      measured: row.sentMax,
      threshold: bound,
      unit: "x",
      digits: 3,
      comparison: "<=",
      pass: row.sentMax !== undefined && row.sentMax <= bound,
    });
  }
  return targets;
}
