// The documents a registry stores, as this package types them: OCI manifests and indexes, Docker
// manifests and manifest lists, and the descriptors and annotations inside them.
import type { OciPlatform } from "../protocol/platform.js";

/**
 * Annotations of an OCI manifest, index or descriptor. The keys predefined by the OCI image spec are
 * listed. The OCI spec wants every value to be a string; other values are typed `unknown`, as in 1.1,
 * so code that stored other values keeps compiling (a registry may refuse them).
 */
export interface OciAnnotations {
  /** Creation time, RFC 3339 (`org.opencontainers.image.created`). */
  "org.opencontainers.image.created"?: string;
  /** Contact details of the people or organisation responsible for the image. */
  "org.opencontainers.image.authors"?: string;
  /** URL to find more information on the image. */
  "org.opencontainers.image.url"?: string;
  /** URL to get documentation on the image. */
  "org.opencontainers.image.documentation"?: string;
  /** URL to get source code for building the image. */
  "org.opencontainers.image.source"?: string;
  /** Version of the packaged software. */
  "org.opencontainers.image.version"?: string;
  /** Source control revision identifier. */
  "org.opencontainers.image.revision"?: string;
  /** Name of the distributing entity, organisation or individual. */
  "org.opencontainers.image.vendor"?: string;
  /** License(s) under which contained software is distributed, as an SPDX expression. */
  "org.opencontainers.image.licenses"?: string;
  /** Name of the reference for a target. */
  "org.opencontainers.image.ref.name"?: string;
  /** Human-readable title of the image (or, on a layer, its file name). */
  "org.opencontainers.image.title"?: string;
  /** Human-readable description of the software packaged in the image. */
  "org.opencontainers.image.description"?: string;
  /** Any other annotation. */
  [key: string]: unknown;
}

/** A reference to content: a blob (config, layer) or another manifest, by media type, digest and size. */
export interface OciDescriptor {
  /** Media type of the referenced content. */
  mediaType: string;
  /** Digest of the referenced content, e.g. `sha256:` followed by 64 hex digits. */
  digest: string;
  /** Size of the referenced content in bytes. */
  size: number;
  /** URLs the content may also be downloaded from. */
  urls?: string[];
  /** Arbitrary metadata. */
  annotations?: OciAnnotations;
  /** The content itself, base64-encoded, for small embedded payloads. */
  data?: string;
  /** Type of an artifact when the descriptor references an artifact manifest. */
  artifactType?: string;
  /** Platform of the referenced manifest, in an index or manifest list. */
  platform?: OciPlatform;
}

/** An OCI image manifest (`application/vnd.oci.image.manifest.v1+json`). */
export type OciImageManifest = {
  /** Always 2. */
  schemaVersion: number;
  /** `application/vnd.oci.image.manifest.v1+json` when present. */
  mediaType?: string;
  /** Type of an artifact (OCI 1.1). */
  artifactType?: string;
  /** The image configuration blob. */
  config: OciDescriptor;
  /** The layers, base layer first. */
  layers: OciDescriptor[];
  /** The manifest this one refers to (OCI 1.1 referrers, e.g. a signature's image). */
  subject?: OciDescriptor;
  /** Arbitrary metadata. */
  annotations?: OciAnnotations;
};

/** An OCI image index (`application/vnd.oci.image.index.v1+json`): a list of manifests, e.g. one per platform. */
export type OciImageIndex = {
  /** Always 2. */
  schemaVersion: number;
  /** `application/vnd.oci.image.index.v1+json` when present. */
  mediaType?: string;
  /** Type of an artifact (OCI 1.1). */
  artifactType?: string;
  /** The manifests, usually with a `platform` each. */
  manifests: OciDescriptor[];
  /** The manifest this one refers to (OCI 1.1 referrers). */
  subject?: OciDescriptor;
  /** Arbitrary metadata. */
  annotations?: OciAnnotations;
};

/** A Docker image manifest, version 2 schema 2 (`application/vnd.docker.distribution.manifest.v2+json`). */
export type DockerManifest = {
  /** Always 2. */
  schemaVersion: number;
  /** `application/vnd.docker.distribution.manifest.v2+json`; required by the Docker format. */
  mediaType: string;
  /** The image configuration blob (`application/vnd.docker.container.image.v1+json`). */
  config: OciDescriptor;
  /** The layers, base layer first. */
  layers: OciDescriptor[];
};

/** A Docker manifest list (`application/vnd.docker.distribution.manifest.list.v2+json`): one manifest per platform. */
export type DockerManifestList = {
  /** Always 2. */
  schemaVersion: number;
  /** `application/vnd.docker.distribution.manifest.list.v2+json`; required by the Docker format. */
  mediaType: string;
  /** The manifests with their platforms. */
  manifests: OciDescriptor[];
};

/**
 * A parsed manifest. Narrow it with `"layers" in manifest` (image manifests) or
 * `"manifests" in manifest` (indexes and manifest lists), or by the result's `mediaType`.
 * The four manifest types are type aliases, not interfaces, so that a `Manifest` stays assignable to
 * `Record<string, unknown>` (1.1's type of `GetManifestResult.manifest`).
 */
export type Manifest = OciImageManifest | OciImageIndex | DockerManifest | DockerManifestList;
