import type { AbortSignalLike } from "@azure/abort-controller";
import type { OperationOptions } from "@azure/core-client";
import { InvalidManifestError } from "../errors/invalidManifestError.js";
import { NoMatchingPlatformError } from "../errors/noMatchingPlatformError.js";
import { IMAGE_CONFIG_MEDIA_TYPES, isIndexMediaType } from "../protocol/mediaTypes.js";
import { formatPlatform, platformMatches, selectPlatform, type OciPlatform, type PlatformSelector } from "../protocol/platform.js";
import { openBlobStream } from "./blobOperations.js";
import { fetchManifest } from "./manifestOperations.js";
import { checkIndex, manifestReferences } from "./manifestReferences.js";
import { MAX_MANIFEST_BYTES, readCapped } from "./manifests.js";
import type { GetManifestResult, OciDescriptor } from "./models.js";
import type { RepositoryTarget } from "./repositoryTarget.js";

/** Indexes of indexes exist (rarely); deeper nesting than this is refused rather than followed forever. */
const MAX_INDEX_DEPTH = 4;

/** How platform selection reads content: from a registry repository or an OCI layout alike. */
export interface ManifestReader {
  /** A manifest by digest, verified. */
  manifest(digest: string): Promise<GetManifestResult>;
  /** A small blob (an image config), verified; at most 4 MiB. */
  smallBlob(descriptor: OciDescriptor): Promise<Buffer>;
}

function isIndex(result: GetManifestResult): boolean {
  return isIndexMediaType(result.mediaType) || (!("config" in result.manifest) && Array.isArray((result.manifest as { manifests?: unknown }).manifests));
}

/** The platform an image config declares, or undefined when it is not a container image config. */
async function configPlatform(image: GetManifestResult, reader: ManifestReader): Promise<OciPlatform | undefined> {
  const [config] = manifestReferences(image.manifest, image.mediaType, image.digest).blobs;
  if (!config || !IMAGE_CONFIG_MEDIA_TYPES.includes(config.mediaType)) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse((await reader.smallBlob(config)).toString("utf8")) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof SyntaxError) throw new InvalidManifestError(`config ${config.digest}`, "", "is not JSON");
    throw error;
  }
  if (typeof parsed?.os !== "string" || typeof parsed.architecture !== "string") return undefined;
  const text = (name: string): string | undefined => (typeof parsed[name] === "string" ? (parsed[name] as string) : undefined);
  const features = parsed["os.features"];
  return {
    os: parsed.os,
    architecture: parsed.architecture,
    ...(text("variant") && { variant: text("variant") }),
    ...(text("os.version") && { "os.version": text("os.version") }),
    ...(Array.isArray(features) && { "os.features": features.filter((item): item is string => typeof item === "string") }),
  };
}

/**
 * Resolves `root` to the image manifest built for `wanted`: through the index entry that matches
 * (nested indexes included), or `root` itself when it is an image whose config declares a matching
 * platform. Throws NoMatchingPlatformError, listing the platforms offered, when nothing matches.
 */
export async function selectPlatformManifest(root: GetManifestResult, wanted: PlatformSelector, reader: ManifestReader, depth = 0): Promise<GetManifestResult> {
  const requested = formatPlatform(wanted);
  if (!isIndex(root)) {
    const platform = await configPlatform(root, reader);
    if (platform && platformMatches(platform, wanted)) return root;
    throw new NoMatchingPlatformError(requested, platform ? [formatPlatform(platform)] : [], root.digest);
  }
  if (depth >= MAX_INDEX_DEPTH) throw new InvalidManifestError(root.digest, "manifests", `nests indexes more than ${MAX_INDEX_DEPTH} deep`);
  const entries = checkIndex(root.manifest, root.digest).manifests;
  const chosen = selectPlatform(entries, wanted);
  if (!chosen) {
    const offered = entries.flatMap((entry) => (entry.platform ? [formatPlatform(entry.platform)] : []));
    throw new NoMatchingPlatformError(requested, offered, root.digest);
  }
  const child = await reader.manifest(chosen.digest);
  if (child.content.length !== chosen.size) {
    throw new InvalidManifestError(root.digest, `manifests[${entries.indexOf(chosen)}].size`, `is ${chosen.size}, but ${chosen.digest} is ${child.content.length} bytes`);
  }
  return isIndex(child) ? selectPlatformManifest(child, wanted, reader, depth + 1) : child;
}

/**
 * A reader from two operations: `manifest` fetches a verified manifest by digest, `open` a verified
 * blob stream, of which a config is read up to 4 MiB.
 */
export function manifestReader(
  manifest: (digest: string) => Promise<GetManifestResult>,
  open: (descriptor: OciDescriptor) => Promise<NodeJS.ReadableStream>,
  abortSignal?: AbortSignalLike,
): ManifestReader {
  return {
    manifest,
    async smallBlob(descriptor) {
      const tooLarge = (): RangeError => new RangeError(`Blob ${descriptor.digest} is larger than the ${MAX_MANIFEST_BYTES} bytes a config may have`);
      if (descriptor.size > MAX_MANIFEST_BYTES) throw tooLarge();
      return readCapped(await open(descriptor), MAX_MANIFEST_BYTES, tooLarge, abortSignal);
    },
  };
}

/** Reads a registry repository's manifests and configs for platform selection. */
export function registryManifestReader(target: RepositoryTarget, options: OperationOptions): ManifestReader {
  return manifestReader(
    (digest) => fetchManifest(target, digest, options),
    async (descriptor) => (await openBlobStream(target, descriptor.digest, options)).content,
    options.abortSignal,
  );
}
