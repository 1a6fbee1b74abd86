/** The registry's metadata, as ACR's `/acr/v1` API describes it. Times are ISO 8601 strings. */

/**
 * ACR's lock flags of a repository, manifest or tag; the four required ones default to true. An
 * operation is refused (405 `REGISTRY_DISALLOWED_OPERATION`) when the repository, manifest or tag it
 * involves has the flag off. PATCH can always change them, so a lock can be lifted.
 */
export interface ChangeableAttributes {
  /** Whether it may be deleted; deleting a repository or manifest also needs it on every manifest and tag removed with it. */
  deleteEnabled: boolean;
  /** Whether it may be written: pushing a manifest into the repository or over it, moving the tag, uploading blobs to the repository. */
  writeEnabled: boolean;
  /** Whether it may be pulled: manifest GET / HEAD (repository, manifest and tag), blob GET / HEAD (repository). */
  readEnabled: boolean;
  /** Whether it appears in listings (`_catalog`, tag and manifest lists); it can still be fetched directly. */
  listEnabled: boolean;
  /**
   * ACR's artifact streaming (teleport) flag: stored and reported only, with no effect on the emulator.
   * Repositories only (PATCH accepts it there alone), and only once set: ACR omits it otherwise.
   */
  teleportEnabled?: boolean;
}

export type AttributeName = keyof ChangeableAttributes;

export const ATTRIBUTE_NAMES: readonly AttributeName[] = [
  "deleteEnabled",
  "writeEnabled",
  "readEnabled",
  "listEnabled",
  "teleportEnabled",
];

export function defaultAttributes(): ChangeableAttributes {
  return { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true };
}

/** A platform-specific child of an index / manifest list. */
export interface PlatformReference {
  /** Digest of the child manifest (`sha256:<hex>`). */
  digest: string;
  /** CPU architecture from the child's `platform` in the index (`amd64`, `arm64`, ...), if given. */
  architecture?: string;
  /** Operating system from the child's `platform` in the index (`linux`, `windows`, ...), if given. */
  os?: string;
}

/** What ACR reports about a manifest besides its identity and times (derived from the content when known). */
export interface ManifestProperties {
  /** Size in bytes: an image's layers summed (config and manifest excluded); for an index, its children's image sizes summed. */
  imageSize: number;
  /** CPU architecture from the image's config blob (when stored, JSON and at most 1 MiB); absent for an index. */
  architecture?: string;
  /** Operating system from the image's config blob (when stored, JSON and at most 1 MiB); absent for an index. */
  os?: string;
  /** Media type of the image's config descriptor; absent for an index. */
  configMediaType?: string;
  /** An index's / manifest list's children, in order; absent for an image manifest. */
  references?: PlatformReference[];
  /** OCI 1.1 `subject`, `artifactType` and `annotations`, for the referrers API: the digest of the subject manifest. */
  subject?: string;
  /** The manifest's `artifactType`; for an image manifest without one, its config media type. */
  artifactType?: string;
  /** The manifest's top-level `annotations`. */
  annotations?: Record<string, string>;
}

export const MANIFEST_PROPERTY_NAMES: ReadonlyArray<keyof ManifestProperties> = [
  "imageSize",
  "architecture",
  "os",
  "configMediaType",
  "references",
  "subject",
  "artifactType",
  "annotations",
];

export interface ManifestRecord extends ManifestProperties {
  digest: string;
  mediaType: string;
  /** Exact bytes; absent for a manifest imported as metadata only (its content is unknown). */
  content?: Buffer;
  createdTime: string;
  lastUpdateTime: string;
  attributes: ChangeableAttributes;
}

export interface TagRecord {
  name: string;
  digest: string;
  createdTime: string;
  lastUpdateTime: string;
  signed: boolean;
  attributes: ChangeableAttributes;
}

export interface RepositoryRecord {
  name: string;
  createdTime: string;
  lastUpdateTime: string;
  attributes: ChangeableAttributes;
  manifests: Map<string, ManifestRecord>;
  tags: Map<string, TagRecord>;
  /** Blobs linked into this repository (pushed or mounted): distribution scopes blob access per repository. */
  blobs: Set<string>;
}

export function now(): string {
  return new Date().toISOString();
}
