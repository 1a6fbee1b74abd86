import type { OperationOptions } from "@azure/core-client";
import type { ArtifactArchitecture } from "../generated/index.js";

export { KnownArtifactArchitecture } from "../generated/index.js";
export type { ArtifactArchitecture };

/** An operating system, e.g. `linux`; {@link KnownArtifactOperatingSystem} lists those the service knows. */
export type ArtifactOperatingSystem = string;

/**
 * Operating systems the service reports in {@link ArtifactManifestProperties.operatingSystem}: the
 * values of the spec. Written here, not generated (see swagger/README.md): the generator spells the
 * spec's iOS `IOS`, where 1.1 said `iOS`.
 */
export enum KnownArtifactOperatingSystem {
  /** AIX */
  Aix = "aix",
  /** Android */
  Android = "android",
  /** Darwin (macOS) */
  Darwin = "darwin",
  /** DragonFly BSD */
  Dragonfly = "dragonfly",
  /** FreeBSD */
  FreeBsd = "freebsd",
  /** illumos */
  Illumos = "illumos",
  /** iOS */
  iOS = "ios",
  /**
   * iOS.
   * @deprecated Use {@link KnownArtifactOperatingSystem.iOS}, the spelling of 1.1.
   */
  // eslint-disable-next-line @typescript-eslint/no-duplicate-enum-values -- an alias: both names mean "ios"
  IOS = "ios",
  /** JavaScript (WebAssembly hosts) */
  JS = "js",
  /** Linux */
  Linux = "linux",
  /** NetBSD */
  NetBsd = "netbsd",
  /** OpenBSD */
  OpenBsd = "openbsd",
  /** Plan 9 */
  Plan9 = "plan9",
  /** Solaris */
  Solaris = "solaris",
  /** Windows */
  Windows = "windows",
}

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
  /** When the repository was created. */
  readonly createdOn: Date;
  /** When a manifest or tag of the repository last changed. */
  readonly lastUpdatedOn: Date;
  /** Number of manifests in the repository. */
  readonly manifestCount: number;
  /** Number of tags in the repository. */
  readonly tagCount: number;
}

/** The platform one manifest of an index (manifest list) is built for. */
export interface ArtifactManifestPlatform {
  /** Digest of the platform-specific manifest. */
  readonly digest: string;
  /** CPU architecture, e.g. `amd64`; see {@link KnownArtifactArchitecture}. */
  readonly architecture?: ArtifactArchitecture;
  /** Operating system, e.g. `linux`; see {@link KnownArtifactOperatingSystem}. */
  readonly operatingSystem?: ArtifactOperatingSystem;
}

/** Properties of a manifest (an image, an index or another OCI artifact). */
export interface ArtifactManifestProperties extends WritableRegistryItemProperties {
  /** The registry's login server, e.g. `myregistry.azurecr.io`. */
  readonly registryLoginServer: string;
  /** The repository holding the manifest. */
  readonly repositoryName: string;
  /** The manifest's digest, e.g. `sha256:…`. */
  readonly digest: string;
  /** Size of the manifest and the blobs it references, in bytes. */
  readonly sizeInBytes?: number;
  /** When the manifest was pushed. */
  readonly createdOn: Date;
  /** When the manifest or its attributes last changed. */
  readonly lastUpdatedOn: Date;
  /** CPU architecture of an image manifest; see {@link KnownArtifactArchitecture}. */
  readonly architecture?: ArtifactArchitecture;
  /** Operating system of an image manifest; see {@link KnownArtifactOperatingSystem}. */
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
  /** The registry's login server, e.g. `myregistry.azurecr.io`. */
  readonly registryLoginServer: string;
  /** The repository holding the tag. */
  readonly repositoryName: string;
  /** The tag, e.g. `latest`. */
  readonly name: string;
  /** Digest of the manifest the tag points at. */
  readonly digest: string;
  /** When the tag was created. */
  readonly createdOn: Date;
  /** When the tag last moved or its attributes changed. */
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
  /** Order by last update; absent = the registry's order. */
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
  /** Order by last update; absent = the registry's order. */
  order?: ArtifactTagOrder;
}
