export { copyArtifact, type ArtifactLocation } from "./copyArtifact.js";
export { OciImageLayout } from "./ociImageLayout.js";
export { DEFAULT_COPY_CONCURRENCY, type CopiedBlobState, type CopyArtifactOptions, type CopyArtifactResult, type CopyProgress } from "./models.js";
