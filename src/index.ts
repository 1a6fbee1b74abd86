// Public surface of @azure/container-registry, layer by layer (see docs/architecture.md).

export * from "./metadata/index.js";
export * from "./content/index.js";
export type { BlobContent } from "./transfer/uploadSource.js";
export { KnownContainerRegistryAudience, type ContainerRegistryClientOptions } from "./http/clientOptions.js";
export { KnownManifestMediaType } from "./protocol/mediaTypes.js";
export { DigestMismatchError } from "./errors/digestMismatchError.js";
export { KnownTransferErrorCode } from "./errors/transferErrors.js";
export { RestError, isRestError } from "@azure/core-rest-pipeline";
export type { PagedAsyncIterableIterator, PageSettings } from "@azure/core-paging";
