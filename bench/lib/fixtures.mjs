// Fixtures the scenarios share: scratch paths, an untimed raw client, the image pulls read.
import { rm } from "node:fs/promises";
import path from "node:path";
import { open as openRawNode } from "../contenders/node.mjs";
import { MiB, writeImageLayout } from "./data.mjs";

let fileCounter = 0;
export function scratchPath(ctx, name) {
  return path.join(ctx.scratchDir, `${name}-${fileCounter++}`);
}

export function sizeLabel(bytes) {
  return bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)} GiB` : `${bytes / MiB} MiB`;
}

/** An untimed raw Node client in this process, for fixtures and checks. */
export function fixtureClient(ctx, repo, transport = "http") {
  return openRawNode({ endpoint: ctx.registries[transport].endpoint, repo, ca: transport === "https" ? ctx.ca : undefined });
}

export function imageTitle(image) {
  return `${image.layerCount} x ${sizeLabel(image.layerSize)} layers`;
}

/**
 * The image that pulls and getManifest read, tagged "pull"; pushed once per benchmark by skopeo,
 * the most used client of the lot.
 */
export function pulledImage(ctx, image) {
  ctx.pulledImage ??= (async () => {
    const layoutDir = scratchPath(ctx, "layout");
    const layout = await writeImageLayout(layoutDir, { ...image, tag: "pull" });
    await ctx.contenders["skopeo-http"].run("push", { repo: "images", layoutDir, tag: "pull" });
    await rm(layoutDir, { recursive: true });
    return layout;
  })();
  return ctx.pulledImage;
}

