export { ContainerRegistryClient, type RepositoryPageResponse } from "./containerRegistryClient.js";
export type { ContainerRepository, ManifestPageResponse } from "./containerRepository.js";
export type { RegistryArtifact, TagPageResponse } from "./registryArtifact.js";
export * from "./models.js";
