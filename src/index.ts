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
export { DigestMismatchError } from "./errors/digestMismatchError.js";
export { RestError, isRestError } from "@azure/core-rest-pipeline";
export type { PagedAsyncIterableIterator, PageSettings } from "@azure/core-paging";
