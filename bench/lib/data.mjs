// Test content. Registries and skopeo dedupe by digest, so every upload and push gets bytes no
// earlier run had: a fresh random head on top of a shared random body (generating GBs of
// crypto-random bytes per run would cost more than the transfers being measured).
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

export const MiB = 1024 * 1024;
const BODY_BYTES = 64 * MiB;
const HEAD_BYTES = 4096;

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

let body;
function randomBody() {
  body ??= randomBytes(BODY_BYTES);
  return body;
}

function sha256(bytes) {
  return "sha256:" + createHash("sha256").update(bytes).digest("hex");
}

/** `size` bytes, unique from the first byte on; the shared body repeats after the head. */
function* uniqueChunks(size) {
  const head = randomBytes(Math.min(HEAD_BYTES, size));
  yield head;
  for (let offset = head.length; offset < size; offset += BODY_BYTES) {
    yield randomBody().subarray(0, Math.min(BODY_BYTES, size - offset));
  }
}

/** Writes a blob of `size` fresh bytes to `file`; returns its digest. */
export async function writeUniqueBlob(file, size) {
  const hash = createHash("sha256");
  const out = createWriteStream(file);
  for (const chunk of uniqueChunks(size)) {
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return "sha256:" + hash.digest("hex");
}

/** A gzip stream of `size` fresh bytes. Level 0 (stored blocks): compressing random bytes gains nothing. */
function uniqueGzipLayer(size) {
  const raw = Buffer.concat([...uniqueChunks(size)]);
  return { gzipped: gzipSync(raw, { level: 0 }), diffId: sha256(raw) };
}

async function writeLayoutBlob(dir, bytes, mediaType) {
  const digest = sha256(bytes);
  await writeFile(path.join(dir, "blobs", "sha256", digest.slice("sha256:".length)), bytes);
  return { mediaType, digest, size: bytes.length };
}

/**
 * Writes an OCI image layout (what `skopeo copy oci:DIR:TAG` reads) holding one image of
 * `layerCount` gzip layers of `layerSize` fresh bytes each, tagged `tag`.
 * @returns {Promise<{manifestDigest: string, layers: object[], config: object, bytes: number}>}
 */
export async function writeImageLayout(dir, { layerCount, layerSize, tag }) {
  await mkdir(path.join(dir, "blobs", "sha256"), { recursive: true });
  const layers = [];
  const diffIds = [];
  for (let i = 0; i < layerCount; i++) {
    const { gzipped, diffId } = uniqueGzipLayer(layerSize);
    layers.push(await writeLayoutBlob(dir, gzipped, OCI_LAYER_GZIP));
    diffIds.push(diffId);
  }
  const configJson = { architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: diffIds } };
  const config = await writeLayoutBlob(dir, Buffer.from(JSON.stringify(configJson)), OCI_CONFIG);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers }));
  const descriptor = await writeLayoutBlob(dir, manifest, OCI_MANIFEST);
  await writeFile(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  await writeFile(
    path.join(dir, "index.json"),
    JSON.stringify({ schemaVersion: 2, manifests: [{ ...descriptor, annotations: { "org.opencontainers.image.ref.name": tag } }] }),
  );
  return {
    manifestDigest: descriptor.digest,
    config,
    layers,
    bytes: layers.reduce((sum, layer) => sum + layer.size, config.size),
  };
}
