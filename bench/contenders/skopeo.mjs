// skopeo (containers/image) as the reference image copier. Its time (and CPU time) is that of the
// whole `skopeo copy` process, start-up included: it has no in-process timer to read. Requests are
// counted from its --debug log, which names every request it sends ("GET https://...").
import { mkdirSync, writeFileSync, copyFileSync } from "node:fs";
import path from "node:path";
import { runMeasured } from "../lib/exec.mjs";

const REQUEST_LINE = /msg="(?:GET|HEAD|POST|PUT|PATCH|DELETE) https?:\/\//g;

export function skopeoContender({ endpoint, copyEndpoint, ca, scratchDir }) {
  const { host } = new URL(endpoint);
  // Own policy, registries.d and tmpdir: nothing from the system configuration.
  const dir = path.join(scratchDir, `skopeo-${ca ? "https" : "http"}`);
  mkdirSync(path.join(dir, "registries.d"), { recursive: true });
  mkdirSync(path.join(dir, "tmp"), { recursive: true });
  writeFileSync(path.join(dir, "policy.json"), JSON.stringify({ default: [{ type: "insecureAcceptAnything" }] }));
  let tls = { src: ["--src-tls-verify=false"], dest: ["--dest-tls-verify=false"] };
  if (ca) {
    // A folder holding only ca.crt: skopeo would take *.key files there for client keys.
    const certDir = path.join(dir, "certs");
    mkdirSync(certDir, { recursive: true });
    copyFileSync(ca, path.join(certDir, "ca.crt"));
    tls = { src: ["--src-cert-dir", certDir], dest: ["--dest-cert-dir", certDir] };
  }
  const common = ["--debug", "--policy", path.join(dir, "policy.json"), "--registries.d", path.join(dir, "registries.d"), "--tmpdir", path.join(dir, "tmp")];

  async function copy(args) {
    const run = await runMeasured("skopeo", [...common, "copy", ...args], { scratchDir });
    return {
      seconds: run.wallSeconds,
      requests: run.stderr.match(REQUEST_LINE)?.length ?? 0,
      maxRssKiB: run.maxRssKiB,
      cpuSeconds: run.cpuSeconds,
      wallSeconds: run.wallSeconds,
      detail: {},
    };
  }

  const push = ({ repo, layoutDir, tag }) => copy([...tls.dest, `oci:${layoutDir}:${tag}`, `docker://${host}/${repo}:${tag}`]);
  const pull = ({ repo, tag, outDir }) => copy([...tls.src, `docker://${host}/${repo}:${tag}`, `oci:${outDir}:${tag}`]);
  return {
    push,
    pull,
    pushLayout: push,
    pullLayout: pull,
    copy: ({ repo, tag, destRepo }) =>
      copy([...tls.src, ...tls.dest, `docker://${host}/${repo}:${tag}`, `docker://${new URL(copyEndpoint).host}/${destRepo}:${tag}`]),
  };
}
