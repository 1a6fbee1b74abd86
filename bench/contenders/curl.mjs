// curl as the reference for raw transfer speed. Times are curl's own %{time_total} (the
// transfer, without process start-up), the counterpart of the in-process times of Node contenders;
// CPU times are whole processes' (curl's start-up is a few ms).
import { runMeasured } from "../lib/exec.mjs";

const MANIFEST_ACCEPT = "accept: application/vnd.oci.image.manifest.v1+json";

export function curlContender({ endpoint, ca, scratchDir }) {
  const tls = ca ? ["--cacert", ca] : [];
  const curl = (args) => runMeasured("curl", ["-sS", "--fail", ...tls, ...args], { scratchDir });

  return {
    /**
     * POST, then one monolithic PUT ?digest= of the file (the digest known beforehand). The body
     * goes with --upload-file, which streams: --data-binary @file reads the whole file into memory
     * first (535 MiB RSS for 512 MiB) outside %{time_total}, and was no faster.
     */
    async upload({ repo, file, digest }) {
      const post = await curl(["-X", "POST", "-D", "-", "-o", "/dev/null", "-w", "%{stderr}%{time_total}", `${endpoint}/v2/${repo}/blobs/uploads/`]);
      const location = new URL(/^location:\s*(\S+)/im.exec(post.stdout)[1], endpoint);
      location.searchParams.set("digest", digest);
      // "Expect:" drops the 100-continue round trip curl adds before large bodies.
      const put = await curl([
        "-H", "content-type: application/octet-stream", "-H", "Expect:",
        "--upload-file", file, "-o", "/dev/null", "-w", "%{stderr}%{time_total}", location.href,
      ]);
      return {
        seconds: Number(post.stderr) + Number(put.stderr),
        requests: 2,
        maxRssKiB: Math.max(post.maxRssKiB, put.maxRssKiB),
        cpuSeconds: post.cpuSeconds + put.cpuSeconds,
        wallSeconds: post.wallSeconds + put.wallSeconds,
        detail: { digest },
      };
    },
    /** GET piped through `openssl dgst -sha256` (coreutils sha256sum is ~4x slower here). */
    async download({ repo, digest }) {
      const url = `${endpoint}/v2/${repo}/blobs/${digest}`;
      const quote = (arg) => `'${arg}'`;
      const script = [
        "set -o pipefail;",
        "curl -sS --fail", ...tls.map(quote), "-L -w '%{stderr}%{time_total} %{num_redirects}'", quote(url),
        "| openssl dgst -sha256 -r",
      ].join(" ");
      const run = await runMeasured("bash", ["-c", script], { scratchDir });
      const [seconds, redirects] = run.stderr.trim().split(" ").map(Number);
      if ("sha256:" + run.stdout.split(" ")[0] !== digest) throw new Error(`curl download: digest mismatch`);
      return { seconds, requests: 1 + redirects, maxRssKiB: run.maxRssKiB, cpuSeconds: run.cpuSeconds, wallSeconds: run.wallSeconds, detail: {} };
    },
    /** One curl process, one kept-alive connection, `calls` + 1 GETs (the first one is the warm-up). */
    async manifest({ repo, tag, calls }) {
      const url = `${endpoint}/v2/${repo}/manifests/${tag}`;
      const perUrl = Array.from({ length: calls + 1 }, () => ["-o", "/dev/null", url]).flat();
      const run = await curl(["-H", MANIFEST_ACCEPT, "-w", "%{time_total}\\n", ...perUrl]);
      const times = run.stdout.trim().split("\n").map((s) => Number(s) * 1000);
      return {
        seconds: times.reduce((a, b) => a + b, 0) / 1000,
        requests: calls + 1,
        maxRssKiB: run.maxRssKiB,
        cpuSeconds: run.cpuSeconds,
        wallSeconds: run.wallSeconds,
        detail: { latenciesMs: times.slice(1) },
      };
    },
    async tags({ repo, pageSize }) {
      const run = await curl(["-w", "%{stderr}%{time_total}", `${endpoint}/v2/${repo}/tags/list?n=${pageSize}`]);
      return {
        seconds: Number(run.stderr),
        requests: 1,
        maxRssKiB: run.maxRssKiB,
        cpuSeconds: run.cpuSeconds,
        wallSeconds: run.wallSeconds,
        detail: { tags: JSON.parse(run.stdout).tags.length },
      };
    },
  };
}
