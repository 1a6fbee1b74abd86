// Writes the outputs of a benchmark: results/latest.json (raw runs, summary, machine), the tables
// between the markers of BENCHMARKS.md (the prose around them survives re-runs) and the SVG chart.
// Only a complete run writes those: a --small run (CI) writes results/small.*, a partial one
// (--only, --cpu-prof) results/partial.*, and neither touches BENCHMARKS.md. The Faults table has
// markers of its own: a complete run or a --faults run (results/faults.*) rewrites it alone.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { faultRows, faultsTable, faultTargets } from "./faultsReport.mjs";
import { evaluateTargets, summarize } from "./summary.mjs";
import { throughputSvg } from "./svg.mjs";

const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const RESULTS_DIR = path.join(BENCH_DIR, "results");
const DOC = path.join(BENCH_DIR, "..", "BENCHMARKS.md");
const RESULTS_MARKERS = ["<!-- bench:results:begin -->", "<!-- bench:results:end -->"];
const FAULTS_MARKERS = ["<!-- bench:faults:begin -->", "<!-- bench:faults:end -->"];

const fixed = (value, digits) => (value === undefined ? "–" : value.toFixed(digits));
const times = (ratio) => (ratio === undefined ? "–" : `${ratio.toFixed(2)}x`);

function throughputTable(scenarios, rows) {
  const lines = [
    "| operation | contender | MB/s (median) | min–max | x curl / skopeo | x node | x official | CPU s/GB | peak RSS MiB | requests |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const scenario of scenarios.filter((s) => s.kind === "throughput")) {
    for (const row of rows.filter((r) => r.scenario === scenario.id)) {
      if (!row.mbps) {
        lines.push(`| ${scenario.title} | ${row.label} | failed (${row.failures} runs) | | | | | | | |`);
        continue;
      }
      const [min, max] = row.mbps.range;
      lines.push(
        `| ${scenario.title} | ${row.label} | ${fixed(row.mbps.median, 1)} | ${fixed(min, 0)}–${fixed(max, 0)} | ` +
          `${times(row.ratios.curl ?? row.ratios.skopeo)} | ${times(row.ratios.node)} | ${times(row.ratios.official)} | ` +
          `${fixed(row.cpuSecondsPerGB, 2)} | ${fixed(row.peakRssMiB, 0)} | ${row.requests} |`,
      );
    }
  }
  return lines.join("\n");
}

function latencyTable(scenarios, rows) {
  const lines = [
    "| operation | contender | p50 ms | p99 ms | total ms (median) | CPU ms | peak RSS MiB | requests |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const scenario of scenarios.filter((s) => s.kind === "latency" || s.kind === "listing")) {
    for (const row of rows.filter((r) => r.scenario === scenario.id)) {
      if (row.seconds === undefined) {
        lines.push(`| ${scenario.title} | ${row.label} | failed (${row.failures} runs) | | | | | |`);
        continue;
      }
      lines.push(
        `| ${scenario.title} | ${row.label} | ${fixed(row.p50Ms, 2)} | ${fixed(row.p99Ms, 2)} | ` +
          `${fixed(row.seconds * 1000, 1)} | ${fixed(row.cpuSeconds * 1000, 0)} | ${fixed(row.peakRssMiB, 0)} | ${row.requests} |`,
      );
    }
  }
  return lines.join("\n");
}

function targetLine(target) {
  const digits = target.digits ?? (target.unit === "requests" || target.unit === "runs" ? 0 : target.unit === "MiB" ? 1 : 2);
  const measured = target.measured === undefined ? "not measured" : `${fixed(target.measured, digits)} ${target.unit}`;
  return { verdict: target.pass ? "PASS" : "FAIL", measured, wanted: `${target.comparison} ${target.threshold} ${target.unit}` };
}

function targetsTable(targets) {
  const lines = ["| target | measured | wanted | verdict |", "|---|---:|---:|---|"];
  for (const target of targets) {
    const { verdict, measured, wanted } = targetLine(target);
    lines.push(`| ${target.name} | ${measured} | ${wanted} | ${verdict} |`);
  }
  return lines.join("\n");
}

function runLine({ reps, started, finished, machine }) {
  const load = (l) => l.map((x) => x.toFixed(2)).join(" / ");
  return (
    `Run of ${started.toISOString()} (${Math.round((finished - started) / 1000)} s): ${reps} runs per contender, ` +
    `round-robin, each in its own process. ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ` +
    `${machine.registry}, registry storage in ${machine.registryStorage}. Load average (1/5/15 min) at start ` +
    `${load(machine.loadAverageAtStart)}, at end ${load(machine.loadAverageAtEnd)}.`
  );
}

function faultsMarkdown(run, faults, { withRunLine = true } = {}) {
  return [...(withRunLine ? [runLine(run), ""] : []), "#### Faults (bytes as x the blob's size; medians of the runs; time and requests of the fault-free twin in brackets)", "", faultsTable(faults)].join("\n");
}

function markdown({ reps, started, finished, machine, scenarios, rows, runs }) {
  const has = (predicate) => scenarios.some(predicate);
  const builds = new Set(runs.map((r) => r.libraryBuild).filter(Boolean));
  return [
    runLine({ reps, started, finished, machine }),
    ...(builds.size > 1 ? ["", `**Warning:** the library was rebuilt during this run: its runs used ${builds.size} builds.`] : []),
    ...(has((s) => s.kind === "throughput")
      ? ["", "#### Throughput (MB = 10^6 bytes; ratios of medians, same transport)", "", throughputTable(scenarios, rows)]
      : []),
    ...(has((s) => s.kind === "latency" || s.kind === "listing") ? ["", "#### Latency and listing", "", latencyTable(scenarios, rows)] : []),
  ].join("\n");
}

function updateDoc([begin, end], section) {
  const block = `${begin}\n${section}\n${end}`;
  const doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : "";
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  const updated = from >= 0 && to > from ? doc.slice(0, from) + block + doc.slice(to + end.length) : `${doc}\n${block}\n`;
  writeFileSync(DOC, updated);
}

/**
 * @param {{name: "latest" | "small" | "partial" | "faults"}} run
 * @returns {string} the tables and one PASS / FAIL line per target, for the console
 */
export function writeReports({ name, reps, started, finished, machine, scenarios, contenders, runs }) {
  const rows = summarize(scenarios, contenders, runs);
  const faults = faultRows(scenarios, runs);
  const targets = [...evaluateTargets(scenarios, rows), ...faultTargets(faults)];
  mkdirSync(RESULTS_DIR, { recursive: true });
  const scenarioInfo = scenarios.map(({ id, title, kind, operation, size, contenders: kinds, server, plan }) => ({ id, title, kind, operation, size, contenders: kinds, server, plan }));
  writeFileSync(
    path.join(RESULTS_DIR, `${name}.json`),
    JSON.stringify({ name, reps, started, finished, machine, scenarios: scenarioInfo, summary: rows, faults, targets, runs }, null, 1) + "\n",
  );
  const run = { reps, started, finished, machine };
  const hasThroughput = scenarios.some((s) => s.kind === "throughput");
  if (hasThroughput) writeFileSync(path.join(RESULTS_DIR, name === "latest" ? "throughput.svg" : `throughput-${name}.svg`), throughputSvg(scenarios, rows));
  const main = markdown({ ...run, scenarios, rows, runs });
  const tables = [main, ...(faults.length ? ["", faultsMarkdown(run, faults, { withRunLine: false })] : [])].join("\n");
  const verdicts = targets.map((target) => {
    const { verdict, measured, wanted } = targetLine(target);
    return `${verdict}  ${target.name}: ${measured} (wanted ${wanted})`;
  });
  if (name === "latest") updateDoc(RESULTS_MARKERS, `${main}\n\n#### Targets\n\n${targetsTable(evaluateTargets(scenarios, rows))}`);
  if ((name === "latest" || name === "faults") && faults.length) {
    updateDoc(FAULTS_MARKERS, `${faultsMarkdown(run, faults)}\n\n#### Fault targets\n\n${targetsTable(faultTargets(faults))}`);
  }
  return `\n${tables}\n\n${verdicts.join("\n")}\n`;
}
