/**
 * Azure Container Registry client library: the metadata clients ({@link ContainerRegistryClient},
 * {@link ContainerRepository}, {@link RegistryArtifact}) for ACR's repositories, manifests and tags,
 * and {@link ContainerRegistryContentClient} to push and pull blobs and manifests on ACR or any OCI
 * distribution registry. The local emulator is the `@azure/container-registry/emulator` entry point.
 *
 * @packageDocumentation
 */

// Public surface of @azure/container-registry, layer by layer (see docs/architecture.md).

export * from "./metadata/index.js";
export * from "./content/index.js";
export type { BlobContent } from "./transfer/uploadSource.js";
export { KnownContainerRegistryAudience, type ContainerRegistryClientOptions } from "./http/clientOptions.js";
export { KnownManifestMediaType } from "./protocol/mediaTypes.js";
export { parseImageReference, type ImageReference, type ParseImageReferenceOptions } from "./protocol/imageReference.js";
export type { RegistryCredential } from "./auth/registryCredential.js";
export {
  DockerConfigCredential,
  type DockerConfigCredentialOptions,
  type DockerCredentials,
  type GetDockerCredentialsOptions,
} from "./auth/dockerConfig/dockerConfigCredential.js";
export { DockerCredentialError, type DockerCredentialErrorCode } from "./auth/dockerConfig/dockerCredentialError.js";
export { AzureNamedKeyCredential, type NamedKeyCredential } from "@azure/core-auth";
export { DigestMismatchError } from "./errors/digestMismatchError.js";
export { KnownContainerRegistryErrorCode } from "./errors/errorCodes.js";
export { RestError, isRestError } from "@azure/core-rest-pipeline";
export type { PagedAsyncIterableIterator, PageSettings } from "@azure/core-paging";
