import { referrerDescriptor } from "../protocol/referrers.js";
import { computeDigest } from "../transfer/digest.js";
import { checkDescriptor } from "./manifestReferences.js";
import { prepareManifest, putManifestBytes, type PushManifestOptions } from "./manifestOperations.js";
import type { ManifestContent } from "./manifests.js";
import type { SetManifestResult } from "./models.js";
import { listInReferrersTag } from "./referrersTag.js";
import type { RepositoryTarget } from "./repositoryTarget.js";

/**
 * Pushes a manifest under a tag or its digest. A manifest with a `subject`, pushed to a registry
 * that does not answer `OCI-Subject` (it has no referrers API), is also listed in its subject's
 * referrers tag, as the distribution spec asks of clients (see referrersTag.ts).
 */
export async function pushManifest(target: RepositoryTarget, manifest: ManifestContent, options: PushManifestOptions): Promise<SetManifestResult> {
  const { bytes, mediaType, json } = await prepareManifest(manifest, options);
  // Checked before the push: a subject that is not a descriptor would make a referrer nobody can list.
  const subject = json?.subject === undefined ? undefined : checkDescriptor(json.subject, "the manifest", "subject");
  const response = await putManifestBytes(target, bytes, mediaType, options);
  const digest = computeDigest(bytes);
  if (subject) {
    if (response.headers.get("oci-subject")) target.referrers.apiSupported = true;
    else await listInReferrersTag(target, subject.digest, referrerDescriptor(json!, { mediaType, digest, size: bytes.length }), options);
  }
  return { digest, sizeInBytes: bytes.length };
}
