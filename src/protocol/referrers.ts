// OCI distribution 1.1 facts about referrers: where a registry without the referrers API keeps
// them (the referrers tag schema) and how a referrer is described in a referrers list.

/** Media type of the empty config (`{}`) artifacts use when they have no config of their own. */
export const EMPTY_CONFIG_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";

/** The `OCI-Filters-Applied` value saying a registry filtered a referrers list by artifact type. */
export const ARTIFACT_TYPE_FILTER = "artifacttype";

/**
 * The tag a registry without the referrers API keeps the referrers of `digest` under:
 * `<alg>-<encoded>`, the algorithm cut to 32 characters and the encoded part to 64, characters
 * outside the tag grammar replaced by `-`.
 */
export function referrersTag(digest: string): string {
  const separator = digest.indexOf(":");
  const clean = (text: string): string => text.replace(/[^a-zA-Z0-9._-]/g, "-");
  return `${clean(digest.slice(0, separator).slice(0, 32))}-${clean(digest.slice(separator + 1).slice(0, 64))}`;
}

/** Whether an `OCI-Filters-Applied` header says the artifact type filter was applied. */
export function artifactTypeFilterApplied(header: string | undefined): boolean {
  return (header ?? "")
    .split(",")
    .map((value) => value.trim().toLowerCase())
    .includes(ARTIFACT_TYPE_FILTER);
}

interface ReferrerFields {
  artifactType?: unknown;
  config?: { mediaType?: unknown };
  annotations?: unknown;
}

/**
 * The descriptor of a referrer in a referrers list: its `artifactType` is the manifest's own, else
 * (for an image manifest) its config's media type; its annotations are the manifest's.
 */
export function referrerDescriptor(
  manifest: ReferrerFields,
  described: { mediaType: string; digest: string; size: number },
): { mediaType: string; digest: string; size: number; artifactType?: string; annotations?: Record<string, string> } {
  const artifactType = typeof manifest.artifactType === "string" && manifest.artifactType ? manifest.artifactType : manifest.config?.mediaType;
  const annotations = typeof manifest.annotations === "object" && manifest.annotations !== null ? (manifest.annotations as Record<string, string>) : undefined;
  return {
    ...described,
    ...(typeof artifactType === "string" && { artifactType }),
    ...(annotations && Object.keys(annotations).length > 0 && { annotations }),
  };
}
