export { ContainerRegistryContentClient } from "./contentClient.js";
export type { ManifestContent } from "./manifests.js";
export type * from "./models.js";
