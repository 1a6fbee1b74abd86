// Public surface of @azure/container-registry.

export { ContainerRegistryClient, type RepositoryPageResponse } from "./containerRegistryClient.js";
export type { ContainerRepository, ManifestPageResponse } from "./containerRepository.js";
export type { RegistryArtifact, TagPageResponse } from "./registryArtifact.js";
export { KnownContainerRegistryAudience, type ContainerRegistryClientOptions } from "./clientOptions.js";
export * from "./models.js";
export { RestError, isRestError } from "@azure/core-rest-pipeline";
export type { PagedAsyncIterableIterator, PageSettings } from "@azure/core-paging";
export * from "./content/index.js";
