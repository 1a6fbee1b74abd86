export { ContainerRegistryClient, type RepositoryPageResponse } from "./containerRegistryClient.js";
export type { ContainerRepository, ManifestPageResponse } from "./containerRepository.js";
export type { RegistryArtifact } from "./registryArtifact.js";
export type { TagPageResponse } from "./tagListing.js";
export * from "./models.js";
