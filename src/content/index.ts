export { ContainerRegistryContentClient, type TagNamePageResponse } from "./contentClient.js";
export { DigestMismatchError } from "./errors.js";
export { KnownManifestMediaType } from "./mediaTypes.js";
export type { ManifestContent } from "./manifests.js";
export type { BlobContent } from "./source.js";
export type {
  BlobProperties,
  BlobTransferProgress,
  ContainerRegistryContentClientOptions,
  DeleteBlobOptions,
  DeleteManifestOptions,
  DockerManifest,
  DockerManifestList,
  DownloadBlobOptions,
  DownloadBlobResult,
  DownloadBlobToFileOptions,
  DownloadBlobToFileResult,
  GetBlobPropertiesOptions,
  GetManifestOptions,
  GetManifestResult,
  ListTagNamesOptions,
  Manifest,
  MountBlobOptions,
  MountBlobResult,
  OciAnnotations,
  OciDescriptor,
  OciImageIndex,
  OciImageManifest,
  OciPlatform,
  SetManifestOptions,
  SetManifestResult,
  UploadBlobOptions,
  UploadBlobResult,
} from "./models.js";
