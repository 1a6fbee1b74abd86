import type { OperationOptions } from "@azure/core-client";
import { manifestReferences } from "../content/manifestReferences.js";
import type { GetManifestResult, OciDescriptor } from "../content/models.js";
import { manifestReader, selectPlatformManifest, type ManifestReader } from "../content/platformSelection.js";
import { ArtifactNotFoundError } from "../errors/artifactNotFoundError.js";
import { InvalidManifestError } from "../errors/invalidManifestError.js";
import { NoMatchingPlatformError } from "../errors/noMatchingPlatformError.js";
import { isNonDistributable } from "../protocol/mediaTypes.js";
import { formatPlatform, platformMatches, type PlatformSelector } from "../protocol/platform.js";
import { computeDigest } from "../transfer/digest.js";
import type { ConcurrencyLimit } from "./concurrencyLimit.js";
import type { ArtifactSource } from "./store.js";

/** buildx lists an image's attestations in its index as manifests annotated with the image's digest. */
const ATTESTATION_REFERENCE = "vnd.docker.reference.digest";

/** One manifest to copy: its exact bytes, what it is made of, and what refers to it. */
export interface PlannedManifest {
  descriptor: OciDescriptor;
  content: Buffer;
  /** Manifests an index lists (those kept by a platform filter). */
  children: PlannedManifest[];
  /** Blobs an image is made of (non-distributable layers left out). */
  blobs: OciDescriptor[];
  /** Manifests whose `subject` is this one (with `includeReferrers`). */
  referrers: PlannedManifest[];
}

/** What a copy will do, known before a byte moves: a missing manifest fails the copy before anything is written. */
export interface CopyPlan {
  root: PlannedManifest;
  /** Every blob of the graph, once. */
  blobs: Map<string, OciDescriptor>;
}

export interface PlanOptions extends OperationOptions {
  platform?: PlatformSelector;
  platforms?: PlatformSelector[];
  includeReferrers: boolean;
  limit: ConcurrencyLimit;
}

/** Reads a source's manifests and configs for platform selection. */
export function sourceReader(source: ArtifactSource, options: OperationOptions): ManifestReader {
  return manifestReader(
    (digest) => source.fetchManifest(digest, options),
    (descriptor) => source.blob(descriptor).open(options),
    options.abortSignal,
  );
}

/** Index entries built for one of `wanted`, with the attestations of those kept. */
function keepPlatforms(entries: OciDescriptor[], wanted: PlatformSelector[]): OciDescriptor[] {
  const images = entries.filter((entry) => entry.platform && wanted.some((platform) => platformMatches(entry.platform!, platform)));
  const kept = new Set(images.map((entry) => entry.digest));
  const attests = (entry: OciDescriptor): unknown => entry.annotations?.[ATTESTATION_REFERENCE];
  return entries.filter((entry) => kept.has(entry.digest) || (typeof attests(entry) === "string" && kept.has(attests(entry) as string)));
}

class Planner {
  private readonly planned = new Map<string, Promise<PlannedManifest>>();
  readonly blobs = new Map<string, OciDescriptor>();

  constructor(
    private readonly source: ArtifactSource,
    private readonly options: PlanOptions,
  ) {}

  /** A manifest an index or a referrers list names, checked against that descriptor. */
  private async fetchListed(descriptor: OciDescriptor, listedIn: string): Promise<GetManifestResult> {
    let fetched: GetManifestResult;
    try {
      fetched = await this.options.limit.run(() => this.source.fetchManifest(descriptor.digest, this.options));
    } catch (error) {
      if (error instanceof ArtifactNotFoundError) throw new ArtifactNotFoundError(descriptor.digest, this.source.location, `listed in ${listedIn}`, { cause: error });
      throw error;
    }
    if (fetched.content.length !== descriptor.size) {
      throw new InvalidManifestError(listedIn, `the descriptor of ${descriptor.digest}`, `says ${descriptor.size} bytes, the manifest has ${fetched.content.length}`);
    }
    return fetched;
  }

  /** Plans a manifest once, however often the graph reaches it. */
  plan(fetched: GetManifestResult, mediaType: string, filter?: PlatformSelector[]): Promise<PlannedManifest> {
    const key = `${fetched.digest} ${filter ? "filtered" : ""}`;
    let node = this.planned.get(key);
    if (!node) {
      node = this.build(fetched, mediaType, filter);
      this.planned.set(key, node);
    }
    return node;
  }

  private async build(fetched: GetManifestResult, mediaType: string, filter?: PlatformSelector[]): Promise<PlannedManifest> {
    const references = manifestReferences(fetched.manifest, mediaType, fetched.digest);
    let entries = references.manifests;
    let content = fetched.content;
    if (filter && entries.length > 0) {
      const kept = keepPlatforms(entries, filter);
      if (kept.length === 0) {
        const available = entries.flatMap((entry) => (entry.platform ? [formatPlatform(entry.platform)] : []));
        throw new NoMatchingPlatformError(filter.map(formatPlatform).join(" or "), available, fetched.digest);
      }
      if (kept.length < entries.length) {
        content = Buffer.from(JSON.stringify({ ...fetched.manifest, manifests: kept }));
        entries = kept;
      }
    }
    const rewritten = content !== fetched.content;
    const descriptor = { mediaType, digest: rewritten ? computeDigest(content) : fetched.digest, size: content.length };
    const blobs = references.blobs.filter((blob) => !isNonDistributable(blob));
    for (const blob of blobs) this.blobs.set(blob.digest, blob);
    const [children, referrers] = await Promise.all([
      Promise.all(entries.map(async (entry) => this.plan(await this.fetchListed(entry, fetched.digest), entry.mediaType))),
      // The referrers of an index that was rewritten refer to the original: they stay behind.
      this.options.includeReferrers && !rewritten ? this.referrersOf(fetched.digest) : [],
    ]);
    return { descriptor, content, children, blobs, referrers };
  }

  private async referrersOf(digest: string): Promise<PlannedManifest[]> {
    const listed: OciDescriptor[] = [];
    for await (const referrer of this.source.listReferrers(digest, this.options)) listed.push(referrer);
    return Promise.all(listed.map(async (referrer) => this.plan(await this.fetchListed(referrer, `the referrers of ${digest}`), referrer.mediaType)));
  }
}

/**
 * Reads every manifest a copy of `reference` involves, depth first: the root (resolved to one
 * platform's image with `platform`), the manifests an index lists (those of `platforms` only),
 * and, with `includeReferrers`, the referrers of each and theirs.
 */
export async function planCopy(source: ArtifactSource, reference: string, options: PlanOptions): Promise<CopyPlan> {
  let root = await source.fetchManifest(reference, options);
  if (options.platform) root = await selectPlatformManifest(root, options.platform, sourceReader(source, options));
  const planner = new Planner(source, options);
  if (options.platforms && !("manifests" in root.manifest)) {
    // A single image passes a platform filter when its config matches one of the platforms.
    const attempts = await Promise.allSettled(options.platforms.map((platform) => selectPlatformManifest(root, platform, sourceReader(source, options))));
    const failure = attempts.find((attempt) => attempt.status === "rejected");
    if (!attempts.some((attempt) => attempt.status === "fulfilled") && failure) throw (failure as PromiseRejectedResult).reason;
  }
  const plannedRoot = await planner.plan(root, root.mediaType, options.platforms);
  return { root: plannedRoot, blobs: planner.blobs };
}
