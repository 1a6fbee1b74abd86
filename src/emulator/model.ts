/** The registry's metadata, as ACR's `/acr/v1` API describes it. Times are ISO 8601 strings. */

export interface ChangeableAttributes {
  deleteEnabled: boolean;
  writeEnabled: boolean;
  readEnabled: boolean;
  listEnabled: boolean;
  /** Repositories only, and only once set: ACR omits it otherwise. */
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
  digest: string;
  architecture?: string;
  os?: string;
}

/** What ACR reports about a manifest besides its identity and times (derived from the content when known). */
export interface ManifestProperties {
  imageSize: number;
  architecture?: string;
  os?: string;
  configMediaType?: string;
  references?: PlatformReference[];
  /** OCI 1.1 `subject`, `artifactType` and `annotations`, for the referrers API. */
  subject?: string;
  artifactType?: string;
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
