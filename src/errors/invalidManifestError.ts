/**
 * A manifest, index or referrers list does not have the shape the OCI image spec gives it (a
 * descriptor without a digest, `manifests` that is not an array...): it cannot be interpreted, so
 * nothing is done with it. `field` names the offending field, e.g. `manifests[2].size`.
 */
export class InvalidManifestError extends Error {
  /** Path of the offending field inside the document, e.g. `manifests[2].digest`; empty for the document itself. */
  readonly field: string;
  /** Which document it was (a digest, a tag, `referrers of sha256:...`). */
  readonly source: string;

  constructor(source: string, field: string, problem: string) {
    super(`${source} is not a valid manifest: ${field ? `${field} ` : ""}${problem}`);
    this.name = "InvalidManifestError";
    this.field = field;
    this.source = source;
  }
}
