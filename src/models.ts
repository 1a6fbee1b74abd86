import type { OperationOptions } from "@azure/core-client";
import type { ArtifactArchitecture, ArtifactOperatingSystem } from "./generated/index.js";

export { KnownArtifactArchitecture, KnownArtifactOperatingSystem } from "./generated/index.js";
export type { ArtifactArchitecture, ArtifactOperatingSystem };

/** The four access attributes every repository, manifest and tag carries. */
export interface WritableRegistryItemProperties {
  /** Whether the item can be deleted. */
  canDelete?: boolean;
  /** Whether the item can be overwritten (pushes to a manifest, moves of a tag). */
  canWrite?: boolean;
  /** Whether the item appears in listings. */
  canList?: boolean;
  /** Whether the item can be pulled. */
  canRead?: boolean;
}

/** Properties of a repository. */
export interface ContainerRepositoryProperties extends WritableRegistryItemProperties {
  /** The registry's login server, e.g. `myregistry.azurecr.io`. */
  readonly registryLoginServer: string;
  /** The repository name, e.g. `library/hello-world`. */
  readonly name: string;
  readonly createdOn: Date;
  readonly lastUpdatedOn: Date;
  readonly manifestCount: number;
  readonly tagCount: number;
}

/** The platform one manifest of an index (manifest list) is built for. */
export interface ArtifactManifestPlatform {
  /** Digest of the platform-specific manifest. */
  readonly digest: string;
  readonly architecture?: ArtifactArchitecture;
  readonly operatingSystem?: ArtifactOperatingSystem;
}

/** Properties of a manifest (an image, an index or another OCI artifact). */
export interface ArtifactManifestProperties extends WritableRegistryItemProperties {
  readonly registryLoginServer: string;
  readonly repositoryName: string;
  readonly digest: string;
  /** Size of the manifest and the blobs it references, in bytes. */
  readonly sizeInBytes?: number;
  readonly createdOn: Date;
  readonly lastUpdatedOn: Date;
  readonly architecture?: ArtifactArchitecture;
  readonly operatingSystem?: ArtifactOperatingSystem;
  /** Media type of the manifest, e.g. `application/vnd.oci.image.index.v1+json`. */
  readonly mediaType?: string;
  /** Media type of the config blob: tells an image from a Helm chart or another artifact. */
  readonly configMediaType?: string;
  /** For an index: the manifests it references and their platforms. Empty for a single manifest. */
  readonly relatedArtifacts: ArtifactManifestPlatform[];
  /** Tags pointing at this manifest. */
  readonly tags: string[];
}

/** Properties of a tag. */
export interface ArtifactTagProperties extends WritableRegistryItemProperties {
  readonly registryLoginServer: string;
  readonly repositoryName: string;
  /** The tag, e.g. `latest`. */
  readonly name: string;
  /** Digest of the manifest the tag points at. */
  readonly digest: string;
  readonly createdOn: Date;
  readonly lastUpdatedOn: Date;
}

/** Order of manifests in listings; the service default is unordered. */
export type ArtifactManifestOrder = "LastUpdatedOnDescending" | "LastUpdatedOnAscending";

/** Order of tags in listings; the service default is unordered. */
export type ArtifactTagOrder = "LastUpdatedOnDescending" | "LastUpdatedOnAscending";

/** Options for {@link ContainerRegistryClient.listRepositoryNames}. */
export interface ListRepositoriesOptions extends OperationOptions {}

/** Options for {@link ContainerRegistryClient.deleteRepository} and {@link ContainerRepository.delete}. */
export interface DeleteRepositoryOptions extends OperationOptions {}

/** Options for {@link ContainerRepository.getProperties}. */
export interface GetRepositoryPropertiesOptions extends OperationOptions {}

/** Options for {@link ContainerRepository.updateProperties}: the attributes to change. */
export interface UpdateRepositoryPropertiesOptions extends OperationOptions, WritableRegistryItemProperties {}

/** Options for {@link ContainerRepository.listManifestProperties}. */
export interface ListManifestPropertiesOptions extends OperationOptions {
  order?: ArtifactManifestOrder;
}

/** Options for {@link RegistryArtifact.delete}. */
export interface DeleteArtifactOptions extends OperationOptions {}

/** Options for {@link RegistryArtifact.deleteTag}. */
export interface DeleteTagOptions extends OperationOptions {}

/** Options for {@link RegistryArtifact.getManifestProperties}. */
export interface GetManifestPropertiesOptions extends OperationOptions {}

/** Options for {@link RegistryArtifact.updateManifestProperties}: the attributes to change. */
export interface UpdateManifestPropertiesOptions extends OperationOptions, WritableRegistryItemProperties {}

/** Options for {@link RegistryArtifact.getTagProperties}. */
export interface GetTagPropertiesOptions extends OperationOptions {}

/** Options for {@link RegistryArtifact.updateTagProperties}: the attributes to change. */
export interface UpdateTagPropertiesOptions extends OperationOptions, WritableRegistryItemProperties {}

/** Options for {@link RegistryArtifact.listTagProperties}. */
export interface ListTagPropertiesOptions extends OperationOptions {
  order?: ArtifactTagOrder;
}
