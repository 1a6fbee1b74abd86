/**
 * On a registry without the referrers API, the index under the referrers tag (`sha256-<hex>`) kept
 * changing under concurrent writers: after re-reading and retrying, the pushed manifest is still
 * missing from it. The manifest itself was pushed; pushing it again retries the tag update.
 */
export class ReferrersTagConflictError extends Error {
  /** The referrers tag, e.g. `sha256-<hex of the subject>`. */
  readonly tag: string;
  /** Digest of the manifest that could not be listed under the tag. */
  readonly digest: string;

  constructor(tag: string, digest: string, attempts: number) {
    super(`Could not list ${digest} in referrers tag ${tag}: it changed concurrently on each of ${attempts} attempts`);
    this.name = "ReferrersTagConflictError";
    this.tag = tag;
    this.digest = digest;
  }
}
