/**
 * A tag or digest names nothing in a registry repository or an OCI image layout: the reference
 * asked for, or a manifest an index lists. For a registry, `cause` is the registry's 404 `RestError`.
 */
export class ArtifactNotFoundError extends Error {
  /** The tag or digest that was not found. */
  readonly reference: string;
  /** Where it was looked for: `<registry>/<repository>` or the layout's folder. */
  readonly location: string;

  constructor(reference: string, location: string, detail?: string, options?: { cause?: unknown }) {
    super(`${reference} was not found in ${location}${detail ? ` (${detail})` : ""}`, options);
    this.name = "ArtifactNotFoundError";
    this.reference = reference;
    this.location = location;
  }
}
