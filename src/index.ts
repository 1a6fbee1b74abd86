// Public surface of @azure/container-registry, layer by layer (see docs/architecture.md).

export * from "./metadata/index.js";
export * from "./content/index.js";
export * from "./artifacts/index.js";
export type { BlobContent } from "./transfer/uploadSource.js";
export { KnownContainerRegistryAudience, type ContainerRegistryClientOptions } from "./http/clientOptions.js";
export { KnownManifestMediaType } from "./protocol/mediaTypes.js";
export { formatPlatform, parsePlatform, platformMatches, selectPlatform } from "./protocol/platform.js";
export { DigestMismatchError } from "./errors/digestMismatchError.js";
export { ArtifactNotFoundError } from "./errors/artifactNotFoundError.js";
export { InvalidManifestError } from "./errors/invalidManifestError.js";
export { InvalidOciLayoutError } from "./errors/invalidOciLayoutError.js";
export { NoMatchingPlatformError } from "./errors/noMatchingPlatformError.js";
export { ReferrersTagConflictError } from "./errors/referrersTagConflictError.js";
export { RestError, isRestError } from "@azure/core-rest-pipeline";
export type { PagedAsyncIterableIterator, PageSettings } from "@azure/core-paging";
