// What is measured. A scenario names its contenders and prepares each run: fresh content (so no
// registry or skopeo can dedupe it), the parameters for the client process, a check of what the
// client did, and the removal of the run's files (GBs) and of its blobs in the registry. The http
// and https registries share one storage: a fixture pushed through one is served by both.
import { statSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { copyRegistries, pullLayout, pushLayout } from "./artifactScenarios.mjs";
import { MiB, OCI_CONFIG, OCI_MANIFEST, writeImageLayout, writeUniqueBlob } from "./data.mjs";
import { fixtureClient, imageTitle, pulledImage, scratchPath, sizeLabel } from "./fixtures.mjs";
import { makeFaultScenarios } from "./faults.mjs";
import { cloneTag, dropBlobData } from "./registry.mjs";

const BLOB_CONTENDERS = ["library", "official", "node", "curl"];
const IMAGE_CONTENDERS = ["library", "official", "skopeo"];

function upload(size) {
  return {
    id: `upload-${sizeLabel(size).replace(" ", "")}`,
    title: `upload ${sizeLabel(size)}`,
    kind: "throughput",
    operation: "upload",
    size,
    contenders: BLOB_CONTENDERS,
    async prepare(ctx, contender) {
      const file = scratchPath(ctx, "upload");
      const digest = await writeUniqueBlob(file, size);
      return {
        params: { repo: "blobs", file, size, digest },
        bytes: size,
        check: (result) => {
          if (result.detail.digest !== digest) throw new Error(`uploaded ${digest}, got ${result.detail.digest}`);
        },
        cleanup: async () => {
          await rm(file, { force: true });
          dropBlobData(ctx.dataDir, digest);
        },
      };
    },
  };
}

function download(size) {
  let digest;
  return {
    id: `download-${sizeLabel(size).replace(" ", "")}`,
    title: `download ${sizeLabel(size)} (verified)`,
    kind: "throughput",
    operation: "download",
    size,
    contenders: BLOB_CONTENDERS,
    async setup(ctx) {
      const file = scratchPath(ctx, "download");
      await writeUniqueBlob(file, size);
      digest = (await (await fixtureClient(ctx, "blobs")).upload({ file, size })).digest;
      await rm(file);
    },
    async prepare() {
      return {
        params: { repo: "blobs", digest, size },
        bytes: size,
        // Node and curl contenders check the digest themselves; the SDKs' streams verify it.
        check: (result) => {
          if (result.detail.bytes !== undefined && result.detail.bytes !== size) throw new Error(`read ${result.detail.bytes} bytes`);
        },
        cleanup: async () => {},
      };
    },
    async teardown(ctx) {
      dropBlobData(ctx.dataDir, digest);
    },
  };
}

function push(image) {
  return {
    id: "push-image",
    title: `image push (${imageTitle(image)})`,
    kind: "throughput",
    operation: "push",
    contenders: IMAGE_CONTENDERS,
    async prepare(ctx, contender) {
      const layoutDir = scratchPath(ctx, "layout");
      const tag = path.basename(layoutDir);
      const layout = await writeImageLayout(layoutDir, { ...image, tag });
      return {
        params: { repo: "images", layoutDir, tag },
        bytes: layout.bytes,
        check: async () => {
          const client = await fixtureClient(ctx, "images", contender.transport);
          const pushed = await client.resolveTag({ tag });
          if (pushed !== layout.manifestDigest) throw new Error(`tag ${tag} points to ${pushed}`);
        },
        cleanup: async () => {
          await rm(layoutDir, { recursive: true, force: true });
          for (const blob of [layout.config, ...layout.layers]) dropBlobData(ctx.dataDir, blob.digest);
        },
      };
    },
  };
}

function pull(image) {
  return {
    id: "pull-image",
    title: `image pull (${imageTitle(image)})`,
    kind: "throughput",
    operation: "pull",
    contenders: IMAGE_CONTENDERS,
    setup: (ctx) => pulledImage(ctx, image),
    async prepare(ctx) {
      const outDir = scratchPath(ctx, "pulled");
      const pulled = await pulledImage(ctx, image);
      return {
        params: { repo: "images", tag: "pull", outDir },
        bytes: pulled.bytes,
        check: () => {
          for (const blob of [pulled.config, ...pulled.layers]) {
            const file = path.join(outDir, "blobs", "sha256", blob.digest.slice("sha256:".length));
            if (statSync(file).size !== blob.size) throw new Error(`${file}: wrong size`);
          }
        },
        cleanup: () => rm(outDir, { recursive: true, force: true }),
      };
    },
  };
}

function getManifest(calls, image) {
  return {
    id: "get-manifest",
    title: `getManifest latency (${calls} sequential calls)`,
    kind: "latency",
    operation: "manifest",
    contenders: BLOB_CONTENDERS,
    setup: (ctx) => pulledImage(ctx, image),
    async prepare() {
      return {
        params: { repo: "images", tag: "pull", calls },
        check: (result) => {
          if (result.detail.latenciesMs.length !== calls) throw new Error(`${result.detail.latenciesMs.length} calls`);
        },
        cleanup: async () => {},
      };
    },
  };
}

function listTags(count) {
  return {
    id: "list-tags",
    title: `list ${count} tags`,
    kind: "listing",
    operation: "tags",
    // The official SDK lists tags only through ACR's /acr/v1, which a distribution registry lacks.
    contenders: ["library", "node", "curl"],
    async setup(ctx) {
      const configFile = scratchPath(ctx, "config");
      writeFileSync(configFile, "{}");
      const client = await fixtureClient(ctx, "tags");
      const config = { mediaType: OCI_CONFIG, digest: (await client.upload({ file: configFile, size: 2 })).digest, size: 2 };
      const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] }));
      await client.setManifest({ tag: "t0", bytes, mediaType: OCI_MANIFEST });
      // 5000 PUTs take 10-20 s on a busy machine; tags/list only lists the tag folders of the
      // repository's storage, so the other tags are written there directly (same manifest).
      cloneTag(ctx.dataDir, "tags", "t0", count);
      await rm(configFile);
    },
    async prepare() {
      return {
        params: { repo: "tags", pageSize: count * 2 },
        check: (result) => {
          if (result.detail.tags !== count) throw new Error(`listed ${result.detail.tags} tags`);
        },
        cleanup: async () => {},
      };
    },
  };
}

/** The scenarios of a full run, or of `--small` (64 MiB blobs, a 64 MiB image; smaller fault runs). */
export function makeScenarios({ small }) {
  const sizes = small ? [64 * MiB] : [64 * MiB, 512 * MiB, 1024 * MiB];
  const image = { layerCount: 8, layerSize: (small ? 8 : 32) * MiB };
  return [
    ...sizes.map(upload),
    ...sizes.map(download),
    push(image),
    pull(image),
    pushLayout(image),
    pullLayout(image),
    copyRegistries(image),
    getManifest(200, image),
    listTags(5000),
    ...makeFaultScenarios({ small }),
  ];
}
