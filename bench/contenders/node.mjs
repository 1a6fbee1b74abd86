// Minimal Node http(s) client: what a JavaScript client can do at best with the same runtime.
// Downloads hash as they read; uploads stream the file once through the hash into one PATCH
// (the digest is only known at the end), then commit with an empty PUT ?digest=.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createReadStream, readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { latencies } from "./streams.mjs";

const MANIFEST_ACCEPT = "application/vnd.oci.image.manifest.v1+json";

export async function open({ endpoint, repo, ca }) {
  // Global agents keep connections alive (Node >= 19); a CA given per request gets pooled too.
  const transport = endpoint.startsWith("https:") ? https : http;
  const tls = ca ? { ca: readFileSync(ca) } : {};

  /** Sends a request; `body(req)` writes the body. Resolves with the response, not yet read. */
  function send(method, url, headers = {}, body = (req) => req.end()) {
    return new Promise((resolve, reject) => {
      const req = transport.request(new URL(url, endpoint), { method, headers, ...tls }, resolve);
      req.on("error", reject);
      Promise.resolve(body(req)).catch(reject);
    });
  }

  async function expect(res, status) {
    const chunks = [];
    for await (const chunk of res) chunks.push(chunk);
    if (res.statusCode !== status) throw new Error(`${res.statusCode}: ${Buffer.concat(chunks)}`);
    return Buffer.concat(chunks);
  }

  return {
    async upload({ file, size }) {
      const started = await send("POST", `/v2/${repo}/blobs/uploads/`);
      await expect(started, 202);
      const hash = createHash("sha256");
      const patched = await send(
        "PATCH",
        started.headers.location,
        { "content-type": "application/octet-stream", "content-length": size },
        async (req) => {
          for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
            hash.update(chunk);
            if (!req.write(chunk)) await once(req, "drain");
          }
          req.end();
        },
      );
      await expect(patched, 202);
      const digest = "sha256:" + hash.digest("hex");
      const commit = new URL(patched.headers.location, endpoint);
      commit.searchParams.set("digest", digest);
      await expect(await send("PUT", commit.href, { "content-length": 0 }), 201);
      return { digest };
    },
    async download({ digest, size }) {
      const res = await send("GET", `/v2/${repo}/blobs/${digest}`);
      if (res.statusCode !== 200) throw new Error(`GET blob: ${res.statusCode}`);
      const hash = createHash("sha256");
      let bytes = 0;
      res.on("data", (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
      });
      await once(res, "end");
      if ("sha256:" + hash.digest("hex") !== digest || bytes !== size) throw new Error("digest mismatch");
      return { bytes };
    },
    async manifest({ tag, calls }) {
      const call = async () => {
        const res = await send("GET", `/v2/${repo}/manifests/${tag}`, { accept: MANIFEST_ACCEPT });
        const body = await expect(res, 200);
        if ("sha256:" + createHash("sha256").update(body).digest("hex") !== res.headers["docker-content-digest"]) {
          throw new Error("manifest digest mismatch");
        }
      };
      return { latenciesMs: await latencies(call, calls) };
    },
    /** For fixtures: pushes a manifest under a tag. */
    async setManifest({ tag, bytes, mediaType }) {
      await expect(await send("PUT", `/v2/${repo}/manifests/${tag}`, { "content-type": mediaType }, (req) => req.end(bytes)), 201);
    },
    /** For checks: the digest a tag points to. */
    async resolveTag({ tag }) {
      const res = await send("HEAD", `/v2/${repo}/manifests/${tag}`, { accept: MANIFEST_ACCEPT });
      await expect(res, 200);
      return res.headers["docker-content-digest"];
    },
    async tags({ pageSize }) {
      // Follows Link pages, although distribution 2.8 ignores n and answers with every tag at once.
      const tags = [];
      let next = `/v2/${repo}/tags/list?n=${pageSize}`;
      while (next) {
        const res = await send("GET", next);
        tags.push(...JSON.parse(await expect(res, 200)).tags);
        next = /<([^>]+)>;\s*rel="?next"?/.exec(res.headers.link ?? "")?.[1];
      }
      return { tags: tags.length };
    },
  };
}
