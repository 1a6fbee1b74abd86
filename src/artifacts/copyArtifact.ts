import { ContainerRegistryContentClient } from "../content/contentClient.js";
import { traceOperation } from "../diagnostics/tracing.js";
import { assertTag, assertTagOrDigest, isDigest } from "../protocol/assertions.js";
import { assertPlatformSelector } from "../protocol/platform.js";
import { ConcurrencyLimit } from "./concurrencyLimit.js";
import { executeCopy } from "./copyExecution.js";
import { planCopy } from "./copyPlan.js";
import { DEFAULT_COPY_CONCURRENCY, type CopyArtifactOptions, type CopyArtifactResult } from "./models.js";
import { layoutStore, OciImageLayout } from "./ociImageLayout.js";
import { RegistryRepositoryStore } from "./registryRepositoryStore.js";
import type { ArtifactStore } from "./store.js";

/** Either side of a copy: a registry repository (its content client) or an OCI image layout folder. */
export type ArtifactLocation = ContainerRegistryContentClient | OciImageLayout;

function storeOf(location: unknown, parameter: string): ArtifactStore {
  if (location instanceof ContainerRegistryContentClient) return new RegistryRepositoryStore(location);
  if (location instanceof OciImageLayout) return layoutStore(location);
  throw new TypeError(`${parameter} must be a ContainerRegistryContentClient or an OciImageLayout`);
}

/** Refuses bad options before anything is read or written. */
function checkOptions(options: CopyArtifactOptions): void {
  if (typeof options !== "object" || options === null) throw new TypeError("options must be an object");
  if (options.tag !== undefined) assertTag(options.tag, "tag");
  if (options.platform !== undefined) assertPlatformSelector(options.platform, "platform");
  if (options.platforms !== undefined) {
    if (!Array.isArray(options.platforms) || options.platforms.length === 0) throw new TypeError("platforms must be a non-empty array of platforms");
    options.platforms.forEach((platform, index) => assertPlatformSelector(platform, `platforms[${index}]`));
    if (options.platform !== undefined) throw new TypeError("platform and platforms exclude each other: pass one");
  }
  const { concurrency } = options;
  if (concurrency !== undefined && !(Number.isSafeInteger(concurrency) && concurrency > 0)) {
    throw new RangeError(`concurrency must be a positive integer, got ${String(concurrency)}`);
  }
  for (const flag of ["includeReferrers", "mount"] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== "boolean") throw new TypeError(`${flag} must be a boolean`);
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") throw new TypeError("onProgress must be a function");
}

/**
 * Copies an image, an index (all its platforms or some) or any other OCI artifact, with its
 * referrers if asked, between two registry repositories, a registry and an OCI image layout, or
 * two layouts. The order is depth first, as the OCI specs require of a push: blobs before the
 * manifest that lists them, manifests before the index that lists them, and the tag last, so that
 * a copy that fails leaves no tag naming missing content.
 *
 * - Blobs already at the destination are skipped (a `HEAD`): a copy interrupted and run again
 *   goes on where it stopped. Between repositories of one registry, blobs are mounted.
 * - Blob bytes stream from source to destination without touching the disk (registry to
 *   registry), are downloaded straight into the layout's files (registry to layout: verified,
 *   written to a temporary file and renamed), or uploaded from them (layout to registry); every
 *   byte is hashed on its way and checked against its digest.
 * - At most `concurrency` blobs move at once (default 4, see docs/artifacts.md).
 * - Each side keeps its own client and credential: neither side's credential reaches the other.
 *
 * @param source - Where the artifact is: a content client of its repository, or a layout.
 * @param reference - Its tag or digest at the source.
 * @param destination - Where it goes: a content client of the target repository, or a layout
 *   folder (created when it does not exist).
 * @throws ArtifactNotFoundError when the reference, or a manifest an index lists, is missing.
 * @throws NoMatchingPlatformError when `platform` or `platforms` match nothing.
 * @throws InvalidOciLayoutError when a layout folder is not a layout.
 */
export function copyArtifact(
  source: ArtifactLocation,
  reference: string,
  destination: ArtifactLocation,
  options: CopyArtifactOptions = {},
): Promise<CopyArtifactResult> {
  return traceOperation("copyArtifact", typeof options === "object" && options !== null ? options : {}, async (updated) => {
    const from = storeOf(source, "source");
    const to = storeOf(destination, "destination");
    assertTagOrDigest(reference, "reference");
    checkOptions(options);
    const limit = new ConcurrencyLimit(options.concurrency ?? DEFAULT_COPY_CONCURRENCY);
    const plan = await planCopy(from, reference, {
      ...updated,
      platform: options.platform,
      platforms: options.platforms,
      includeReferrers: options.includeReferrers ?? false,
      limit,
    });
    return executeCopy(plan, from, to, {
      ...updated,
      tag: options.tag ?? (isDigest(reference) ? undefined : reference),
      mount: options.mount ?? true,
      limit,
      onProgress: options.onProgress,
    });
  });
}
