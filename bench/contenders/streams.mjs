// Stream and OCI-layout helpers shared by the Node contenders.
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";

/** Reads a stream to its end and returns its length; flowing mode, the cheapest way to consume. */
export async function drain(stream) {
  let length = 0;
  stream.on("data", (chunk) => (length += chunk.length));
  await once(stream, "end");
  return length;
}

/** The path of a blob in an OCI image layout. */
export function layoutBlobPath(dir, digest) {
  return path.join(dir, "blobs", ...digest.split(":"));
}

/** The manifest tagged `tag` in an OCI image layout: its bytes and its parsed JSON. */
async function readLayoutManifest(dir, tag) {
  const index = JSON.parse(await readFile(path.join(dir, "index.json"), "utf8"));
  const entry = index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag);
  const bytes = await readFile(layoutBlobPath(dir, entry.digest));
  return { bytes, manifest: JSON.parse(bytes.toString("utf8")), mediaType: entry.mediaType };
}

/**
 * Pushes the image of an OCI layout: every blob in parallel (as skopeo does, which copies up to
 * 6 at a time), then the manifest. `client` is {uploadBlob(dir, descriptor) -> digest,
 * setManifest(bytes, tag, mediaType)}.
 */
export async function pushLayout(client, { layoutDir, tag }) {
  const { bytes, manifest, mediaType } = await readLayoutManifest(layoutDir, tag);
  const blobs = [manifest.config, ...manifest.layers];
  const pushed = await Promise.all(blobs.map((descriptor) => client.uploadBlob(layoutDir, descriptor)));
  for (const [i, digest] of pushed.entries()) {
    if (digest !== blobs[i].digest) throw new Error(`pushed ${blobs[i].digest}, registry says ${digest}`);
  }
  await client.setManifest(bytes, tag, mediaType);
  return { blobs: blobs.length };
}

/**
 * Pulls an image into `outDir` (one file per blob, as `skopeo copy ... oci:` writes them), every
 * blob in parallel. `client` is {getManifest(tag) -> parsed manifest, downloadBlob(digest) -> stream}.
 */
export async function pullImage(client, { tag, outDir }) {
  const manifest = await client.getManifest(tag);
  await mkdir(path.join(outDir, "blobs", "sha256"), { recursive: true });
  const blobs = [manifest.config, ...manifest.layers];
  await Promise.all(
    blobs.map(async (descriptor) => {
      const content = await client.downloadBlob(descriptor.digest);
      const file = createWriteStream(layoutBlobPath(outDir, descriptor.digest));
      await pipeline(content, file);
      if (file.bytesWritten !== descriptor.size) throw new Error(`${descriptor.digest}: ${file.bytesWritten} bytes`);
    }),
  );
  return { blobs: blobs.length };
}

/** Latencies in ms of `calls` sequential calls of `call`, after one warm-up call (connection setup). */
export async function latencies(call, calls) {
  await call();
  const times = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return times;
}
