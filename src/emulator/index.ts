/**
 * A local emulator of Azure Container Registry: the OCI distribution API, ACR's `/acr/v1`
 * metadata API and its `/oauth2` token exchange. Published as `@azure/container-registry/emulator`.
 *
 * @packageDocumentation
 */
export { startAcrEmulator } from "./emulator.js";
export type { AcrEmulator, DockerLoginConfig, ManagedIdentityEnvironment, RequestFilter } from "./emulator.js";
export type { AcrEmulatorOptions, AdminUser, RepositoryToken } from "./options.js";
export { DEFAULT_DEV_TOKEN, devTokenCredential } from "./credential.js";
export type { RequestLogEntry } from "./server.js";
export type { BlobState, EmulatorState, ManifestState, RepositoryState, TagState } from "./state.js";
export type { ChangeableAttributes, ManifestProperties, PlatformReference } from "./model.js";
