/**
 * Media types of the manifests this package reads and writes. Registries and tools use other
 * values too: any media type string is accepted where one is expected.
 */
export enum KnownManifestMediaType {
  /** OCI image manifest: `application/vnd.oci.image.manifest.v1+json` */
  OciImageManifest = "application/vnd.oci.image.manifest.v1+json",
  /** OCI image index (a multi-platform image): `application/vnd.oci.image.index.v1+json` */
  OciImageIndex = "application/vnd.oci.image.index.v1+json",
  /** Docker image manifest, version 2 schema 2: `application/vnd.docker.distribution.manifest.v2+json` */
  DockerManifest = "application/vnd.docker.distribution.manifest.v2+json",
  /** Docker manifest list (a multi-platform image): `application/vnd.docker.distribution.manifest.list.v2+json` */
  DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json",
}

/** The short-lived OCI 1.1 release-candidate artifact manifest, still served by some registries (ACR included). */
export const OCI_ARTIFACT_MANIFEST = "application/vnd.oci.artifact.manifest.v1+json";

/** Sent as `Accept` on manifest GETs: a registry only serves (or converts to) types the client lists. */
export const MANIFEST_ACCEPT_HEADER = [
  KnownManifestMediaType.OciImageManifest,
  KnownManifestMediaType.OciImageIndex,
  KnownManifestMediaType.DockerManifest,
  KnownManifestMediaType.DockerManifestList,
  OCI_ARTIFACT_MANIFEST,
].join(", ");

/** Config media type of Docker images; an OCI manifest never uses it. */
export const DOCKER_IMAGE_CONFIG_MEDIA_TYPE = "application/vnd.docker.container.image.v1+json";

/** `type/subtype` of a `Content-Type` value, without parameters such as `charset`. */
export function essence(contentType: string | undefined): string | undefined {
  const value = contentType?.split(";")[0]?.trim();
  return value ? value : undefined;
}

/** Whether a manifest of this media type lists other manifests (an OCI index or a Docker manifest list). */
export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === KnownManifestMediaType.OciImageIndex || mediaType === KnownManifestMediaType.DockerManifestList;
}

/** Config media types of container images: the configs that say which platform an image is for. */
export const IMAGE_CONFIG_MEDIA_TYPES: readonly string[] = ["application/vnd.oci.image.config.v1+json", DOCKER_IMAGE_CONFIG_MEDIA_TYPE];

/**
 * Layers a registry does not hold (Windows foreign layers, OCI non-distributable layers): their
 * bytes come from their `urls`, so copies leave them out.
 */
export function isNonDistributable(descriptor: { mediaType: string; urls?: string[] }): boolean {
  return descriptor.mediaType.includes("foreign") || descriptor.mediaType.includes("nondistributable");
}
