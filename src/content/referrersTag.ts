import type { OperationOptions } from "@azure/core-client";
import { isRestError } from "@azure/core-rest-pipeline";
import { delay } from "@azure/core-util";
import { InvalidManifestError } from "../errors/invalidManifestError.js";
import { ReferrersTagConflictError } from "../errors/referrersTagConflictError.js";
import { isIndexMediaType, KnownManifestMediaType } from "../protocol/mediaTypes.js";
import { referrersTag } from "../protocol/referrers.js";
import { checkIndex } from "./manifestReferences.js";
import { fetchManifestVersion, putManifestBytes } from "./manifestOperations.js";
import type { OciDescriptor, OciImageIndex } from "./models.js";
import type { RepositoryTarget } from "./repositoryTarget.js";

/** Writes of the referrers tag before giving up on concurrent writers (each followed by a re-read). */
export const MAX_REFERRERS_TAG_WRITES = 5;
/** Least pause between a write and the read that checks it (the pause grows with the registry's round trip). */
const MIN_SETTLE_MS = 20;

/** The index under a referrers tag and the ETag of that version; undefined when the tag does not exist. */
export async function readReferrersTag(
  target: RepositoryTarget,
  tag: string,
  options: OperationOptions,
): Promise<{ index: OciImageIndex; etag?: string } | undefined> {
  let version: Awaited<ReturnType<typeof fetchManifestVersion>>;
  try {
    version = await fetchManifestVersion(target, tag, options);
  } catch (error) {
    if (isRestError(error) && error.statusCode === 404) return undefined;
    throw error;
  }
  const source = `referrers tag ${tag}`;
  if (!isIndexMediaType(version.result.mediaType)) throw new InvalidManifestError(source, "mediaType", `is ${version.result.mediaType}, not an image index`);
  return { index: checkIndex(version.result.manifest, source), etag: version.etag };
}

/** Updates of one referrers tag in this process, one at a time: keyed by registry, repository and tag. */
const updatesInProgress = new Map<string, Promise<void>>();

/** Runs `update` after the other updates of the same tag that this process started before it. */
async function oneAtATime(key: string, update: () => Promise<void>): Promise<void> {
  const previous = updatesInProgress.get(key) ?? Promise.resolve();
  const current = previous.then(update, update);
  const settled = current.catch(() => undefined);
  updatesInProgress.set(key, settled);
  try {
    await current;
  } finally {
    if (updatesInProgress.get(key) === settled) updatesInProgress.delete(key);
  }
}

/**
 * Lists `descriptor` in the referrers tag of `subjectDigest` (the referrers tag schema of
 * distribution 1.1): read the index there (none yet: an empty one), append the descriptor unless
 * listed, PUT it back, then read it again. Updates of one tag in this process run one at a time.
 * Another process may replace the index between this read and this write (a registry that honours
 * `If-Match` answers 412 instead; distribution ignores it): the read after the write, made once
 * the tag has been left alone as long as a read and write take, then finds the descriptor missing
 * and the round runs again, up to {@link MAX_REFERRERS_TAG_WRITES} writes, so that no concurrent
 * update is lost silently.
 */
export function listInReferrersTag(target: RepositoryTarget, subjectDigest: string, descriptor: OciDescriptor, options: OperationOptions): Promise<void> {
  const tag = referrersTag(subjectDigest);
  return oneAtATime(`${target.transport.endpoint}/${target.repositoryName}:${tag}`, async () => {
    let roundTripMs = 0;
    for (let writes = 0; ; writes++) {
      // Another writer that read before this write has had the time to write too.
      if (writes > 0) await delay(Math.max(MIN_SETTLE_MS, 2 * roundTripMs) * (1 + Math.random()), { abortSignal: options.abortSignal });
      const started = performance.now();
      const current = await readReferrersTag(target, tag, options);
      const listed = current?.index.manifests ?? [];
      if (listed.some((entry) => entry.digest === descriptor.digest)) return;
      if (writes === MAX_REFERRERS_TAG_WRITES) throw new ReferrersTagConflictError(tag, descriptor.digest, writes);
      const index = { ...(current?.index ?? { schemaVersion: 2 }), mediaType: KnownManifestMediaType.OciImageIndex, manifests: [...listed, descriptor] };
      // A 412 (the index changed since it was read) needs nothing more: the next round reads it again.
      await putManifestBytes(target, Buffer.from(JSON.stringify(index)), KnownManifestMediaType.OciImageIndex, { ...options, tag, ifMatch: current?.etag });
      roundTripMs = performance.now() - started;
    }
  });
}
