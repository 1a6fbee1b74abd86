// A horizontal bar chart of median throughput with min–max whiskers, one panel per operation,
// written as plain SVG text: no charting dependency, no network.

const COLORS = {
  library: "#0078d4",
  official: "#8a8886",
  node: "#498205",
  curl: "#ca5010",
  skopeo: "#8764b8",
};
const BAR = 14;
const GAP = 4;
const LABEL_WIDTH = 170;
const PLOT_WIDTH = 560;
const VALUE_WIDTH = 70;
const WIDTH = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH + 20;

const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function panel(title, rows, top) {
  const measured = rows.filter((r) => r.mbps);
  const max = Math.max(...measured.map((r) => r.mbps.range[1]), 1) * 1.05;
  const x = (mbps) => LABEL_WIDTH + (mbps / max) * PLOT_WIDTH;
  const parts = [`<text x="10" y="${top + 14}" font-weight="bold">${escape(title)}</text>`];
  let y = top + 24;
  for (const row of rows) {
    const color = COLORS[row.kind];
    // https bars are solid, http bars lighter, so a transport reads at a glance.
    const opacity = row.transport === "https" ? 1 : 0.55;
    parts.push(`<text x="${LABEL_WIDTH - 6}" y="${y + BAR - 3}" text-anchor="end">${escape(row.label)}</text>`);
    if (row.mbps) {
      const [min, maxRun] = row.mbps.range;
      const mid = y + BAR / 2;
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${(x(row.mbps.median) - LABEL_WIDTH).toFixed(1)}" height="${BAR}" fill="${color}" fill-opacity="${opacity}"/>`,
        `<line x1="${x(min).toFixed(1)}" x2="${x(maxRun).toFixed(1)}" y1="${mid}" y2="${mid}" stroke="#201f1e"/>`,
        `<line x1="${x(min).toFixed(1)}" x2="${x(min).toFixed(1)}" y1="${mid - 4}" y2="${mid + 4}" stroke="#201f1e"/>`,
        `<line x1="${x(maxRun).toFixed(1)}" x2="${x(maxRun).toFixed(1)}" y1="${mid - 4}" y2="${mid + 4}" stroke="#201f1e"/>`,
        `<text x="${LABEL_WIDTH + PLOT_WIDTH + 6}" y="${y + BAR - 3}">${row.mbps.median.toFixed(0)} MB/s</text>`,
      );
    } else {
      parts.push(`<text x="${LABEL_WIDTH + 4}" y="${y + BAR - 3}" fill="#a4262c">failed</text>`);
    }
    y += BAR + GAP;
  }
  return { svg: parts.join("\n"), height: y - top + 10 };
}

export function throughputSvg(scenarios, rows) {
  const panels = [];
  let top = 30;
  for (const scenario of scenarios.filter((s) => s.kind === "throughput")) {
    const p = panel(scenario.title, rows.filter((r) => r.scenario === scenario.id), top);
    panels.push(p.svg);
    top += p.height;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${top + 10}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">Throughput, MB/s (10^6 bytes/s): median and min–max over runs; lighter bars: plain http</text>`,
    ...panels,
    "</svg>",
    "",
  ].join("\n");
}
