// The image-level scenarios of copyArtifact, each against skopeo doing the same: pull an image
// into an OCI layout, push one from a layout, and copy one from a registry to another (a registry
// process with a storage of its own, so the destination has none of the blobs beforehand).
import { readFileSync, statSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { open as openRawNode } from "../contenders/node.mjs";
import { OCI_MANIFEST, writeImageLayout } from "./data.mjs";
import { imageTitle, pulledImage, scratchPath } from "./fixtures.mjs";
import { dropBlobData } from "./registry.mjs";

const CONTENDERS = ["library", "skopeo"];

/** A raw client of one of the benchmark's registries (`http`, `https`, `httpCopy`, `httpsCopy`). */
function rawClient(ctx, registry, repo) {
  return openRawNode({ endpoint: ctx.registries[registry].endpoint, repo, ca: registry.startsWith("https") ? ctx.ca : undefined });
}

/** Checks that `tag` in a layout names `manifestDigest` and that every blob is there, whole. */
function checkLayout(dir, tag, image) {
  const index = JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8"));
  const entry = index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag);
  if (entry?.digest !== image.manifestDigest) throw new Error(`${dir}: ${tag} names ${entry?.digest}, not ${image.manifestDigest}`);
  for (const blob of [image.config, ...image.layers]) {
    const file = path.join(dir, "blobs", "sha256", blob.digest.slice("sha256:".length));
    if (statSync(file).size !== blob.size) throw new Error(`${file}: wrong size`);
  }
}

export function pullLayout(image) {
  return {
    id: "pull-layout",
    title: `pull into an OCI layout (${imageTitle(image)})`,
    kind: "throughput",
    operation: "pullLayout",
    contenders: CONTENDERS,
    setup: (ctx) => pulledImage(ctx, image),
    async prepare(ctx) {
      const outDir = scratchPath(ctx, "pulled-layout");
      const pulled = await pulledImage(ctx, image);
      return {
        params: { repo: "images", tag: "pull", outDir },
        bytes: pulled.bytes,
        check: () => checkLayout(outDir, "pull", pulled),
        cleanup: () => rm(outDir, { recursive: true, force: true }),
      };
    },
  };
}

export function pushLayout(image) {
  return {
    id: "push-layout",
    title: `push from an OCI layout (${imageTitle(image)})`,
    kind: "throughput",
    operation: "pushLayout",
    contenders: CONTENDERS,
    async prepare(ctx, contender) {
      const layoutDir = scratchPath(ctx, "push-layout");
      const tag = path.basename(layoutDir);
      const layout = await writeImageLayout(layoutDir, { ...image, tag });
      return {
        params: { repo: "layouts", layoutDir, tag },
        bytes: layout.bytes,
        check: async () => {
          const pushed = await (await rawClient(ctx, contender.transport, "layouts")).resolveTag({ tag });
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

export function copyRegistries(image) {
  return {
    id: "copy-registries",
    title: `registry to registry copy (${imageTitle(image)})`,
    kind: "throughput",
    operation: "copy",
    contenders: CONTENDERS,
    async prepare(ctx, contender) {
      // A fresh image per run, pushed untimed: nothing of it is at the destination or in skopeo's blob-info cache.
      const layoutDir = scratchPath(ctx, "copy-source");
      const tag = path.basename(layoutDir);
      const layout = await writeImageLayout(layoutDir, { ...image, tag });
      const source = await rawClient(ctx, contender.transport, "copy-src");
      for (const blob of [layout.config, ...layout.layers]) {
        await source.upload({ file: path.join(layoutDir, "blobs", "sha256", blob.digest.slice("sha256:".length)), size: blob.size });
      }
      const manifest = await readFile(path.join(layoutDir, "blobs", "sha256", layout.manifestDigest.slice("sha256:".length)));
      await source.setManifest({ tag, bytes: manifest, mediaType: OCI_MANIFEST });
      await rm(layoutDir, { recursive: true, force: true });
      return {
        params: { repo: "copy-src", tag, destRepo: "copy-dst" },
        bytes: layout.bytes,
        check: async () => {
          const copied = await (await rawClient(ctx, `${contender.transport}Copy`, "copy-dst")).resolveTag({ tag });
          if (copied !== layout.manifestDigest) throw new Error(`destination tag ${tag} points to ${copied}`);
        },
        cleanup: async () => {
          for (const blob of [layout.config, ...layout.layers]) {
            dropBlobData(ctx.dataDir, blob.digest);
            dropBlobData(ctx.copyDataDir, blob.digest);
          }
        },
      };
    },
  };
}
