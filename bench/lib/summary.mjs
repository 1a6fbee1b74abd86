// Turns raw runs into per-contender figures, ratios and target verdicts. Every ratio compares
// medians measured in the same benchmark, interleaved, so machine drift affects both sides.
import { median, minMax, percentile } from "./stats.mjs";

export function summarize(scenarios, contenders, runs) {
  const rows = [];
  for (const scenario of scenarios) {
    for (const contender of Object.values(contenders)) {
      if (!scenario.contenders.includes(contender.kind)) continue;
      const mine = runs.filter((r) => r.scenario === scenario.id && r.contender === contender.id);
      const ok = mine.filter((r) => !r.error);
      const row = {
        scenario: scenario.id,
        contender: contender.id,
        label: contender.label,
        kind: contender.kind,
        transport: contender.transport,
        runs: ok.length,
        failures: mine.length - ok.length,
      };
      if (ok.length) {
        row.seconds = median(ok.map((r) => r.seconds));
        row.cpuSeconds = median(ok.map((r) => r.cpuSeconds));
        row.requests = Math.max(...ok.map((r) => r.requests));
        row.peakRssMiB = Math.max(...ok.map((r) => r.maxRssKiB)) / 1024;
        if (ok[0].rssBeforeKiB) row.rssBeforeMiB = median(ok.map((r) => r.rssBeforeKiB)) / 1024;
        if (scenario.kind === "throughput") {
          const mbps = ok.map((r) => r.mbps);
          row.mbps = { median: median(mbps), range: minMax(mbps) };
          row.cpuSecondsPerGB = median(ok.map((r) => r.cpuSeconds / (r.bytes / 1e9)));
        }
        if (scenario.kind === "latency") {
          row.p50Ms = median(ok.map((r) => percentile(r.latenciesMs, 50)));
          row.p99Ms = median(ok.map((r) => percentile(r.latenciesMs, 99)));
        }
      }
      rows.push(row);
    }
  }
  for (const row of rows) {
    if (!row.mbps) continue;
    const of = (kind, transport = row.transport) => find(rows, row.scenario, `${kind}-${transport}`)?.mbps?.median;
    const ratio = (reference) => (reference ? row.mbps.median / reference : undefined);
    row.ratios = {
      curl: ratio(of("curl")),
      skopeo: ratio(of("skopeo")),
      node: ratio(of("node")),
      // The official SDK only runs over https; comparing an http run with it would flatter http.
      official: row.transport === "https" ? ratio(of("official")) : undefined,
    };
  }
  return rows;
}

function find(rows, scenario, contender) {
  return rows.find((r) => r.scenario === scenario && r.contender === contender);
}

/**
 * The targets of issue 5, each evaluated on every size measured.
 * @returns {{name: string, measured?: number, threshold: number, unit: string, comparison: string, pass: boolean}[]}
 */
export function evaluateTargets(scenarios, rows) {
  const targets = [];
  const ratioTarget = (scenario, contender, reference, threshold) => {
    const measured = find(rows, scenario.id, contender)?.ratios?.[reference.split("-")[0]];
    targets.push({
      name: `${scenario.title}: ${contender} / ${reference}`,
      measured,
      threshold,
      unit: "x",
      comparison: ">=",
      pass: measured !== undefined && measured >= threshold,
    });
  };
  const throughput = scenarios.filter((s) => s.kind === "throughput");
  for (const scenario of throughput) {
    if (scenario.operation === "upload") {
      ratioTarget(scenario, "library-http", "curl-http", 0.95);
      ratioTarget(scenario, "library-https", "curl-https", 0.95);
      ratioTarget(scenario, "library-https", "official-https", 1.6);
    } else if (scenario.operation === "download") {
      ratioTarget(scenario, "library-http", "node-http", 0.95);
      ratioTarget(scenario, "library-https", "node-https", 0.95);
      ratioTarget(scenario, "library-https", "official-https", 1.5);
    } else {
      ratioTarget(scenario, "library-http", "skopeo-http", 1.5);
      ratioTarget(scenario, "library-https", "skopeo-https", 1.5);
    }
  }
  const rssTarget = (scenario, contender, threshold) => {
    const row = find(rows, scenario.id, contender);
    targets.push({
      name: `${scenario.title}: ${contender} peak RSS`,
      measured: row?.peakRssMiB,
      threshold,
      unit: "MiB",
      comparison: "<=",
      pass: row?.peakRssMiB !== undefined && row.peakRssMiB <= threshold,
    });
    return row;
  };
  // Issue 11: copyArtifact's image scenarios stay within 128 MiB of peak RSS.
  for (const scenario of throughput.filter((s) => ["pullLayout", "pushLayout", "copy"].includes(s.operation))) {
    for (const contender of ["library-http", "library-https"]) rssTarget(scenario, contender, 128);
  }
  // Memory and request budgets apply to the largest blobs measured (1 GiB in a full run).
  const largest = Math.max(...throughput.map((s) => s.size ?? 0));
  for (const scenario of throughput.filter((s) => s.size === largest)) {
    for (const contender of ["library-http", "library-https"]) {
      const row = rssTarget(scenario, contender, 96);
      if (scenario.operation === "upload") {
        targets.push({
          name: `${scenario.title}: ${contender} requests`,
          measured: row?.requests,
          threshold: 3,
          unit: "requests",
          comparison: "<=",
          pass: row?.requests !== undefined && row.requests <= 3,
        });
      }
    }
  }
  return targets;
}
