import type { OperationOptions } from "@azure/core-client";
import type { ContainerRegistryClientOptions } from "../http/clientOptions.js";
import type { OciPlatform, PlatformSelector } from "../protocol/platform.js";
import type { BlobTransferProgress } from "../transfer/models.js";

import type { Manifest, OciDescriptor } from "./manifestModels.js";

export type { BlobTransferProgress, OciPlatform, PlatformSelector };
export type * from "./manifestModels.js";

/** Options of {@link ContainerRegistryContentClient}. */
export interface ContainerRegistryContentClientOptions extends ContainerRegistryClientOptions {
  /**
   * Bytes per PATCH request when uploading a stream whose length is not known up front (pass
   * `sizeInBytes` to upload a stream in a single request instead). The registry's
   * `OCI-Chunk-Min-Length`, when larger, wins. Each chunk is held in memory while it is sent.
   * Default: 16 MiB.
   */
  uploadChunkSizeInBytes?: number;
  /**
   * Inactivity timeout of blob transfers, in milliseconds: a request of an upload or download that
   * moves no byte for this long (no response head, no body byte in either direction; time spent
   * waiting on the caller's own stream or disk does not count) is given up and the transfer resumed,
   * and a transfer that keeps stalling fails with a `RestError` of code `TransferStalled`. `0`
   * disables it. Default: 30 000 (30 s), with which a transfer stalled for good gives up within
   * 3 minutes, resume attempts included (see docs/reliability.md). A call's own `idleTimeoutInMs` wins.
   */
  idleTimeoutInMs?: number;
}

/** Options of {@link ContainerRegistryContentClient.getManifest}. */
export interface GetManifestOptions extends OperationOptions {
  /**
   * Resolve an index (or Docker manifest list) to the image built for this platform, e.g.
   * `{ os: "linux", architecture: "arm64" }` (aliases and default variants as containerd has them:
   * see {@link PlatformSelector}). The result is then that image's manifest; a reference that is
   * an image manifest already is checked against its config's platform. Fails with a
   * {@link NoMatchingPlatformError} listing the platforms there are when none matches.
   */
  platform?: PlatformSelector;
}

/** A manifest as the registry stores it. */
export interface GetManifestResult {
  /** Digest of `content`, verified against the requested digest and the registry's `Docker-Content-Digest`. */
  digest: string;
  /** Media type of the manifest (the response's `Content-Type`, else the manifest's `mediaType` field). */
  mediaType: string;
  /** The manifest's exact bytes: the digest covers these, not a re-serialisation of `manifest`. */
  content: Buffer;
  /** `content` parsed as JSON. */
  manifest: Manifest;
}

/** Options of {@link ContainerRegistryContentClient.setManifest}. */
export interface SetManifestOptions extends OperationOptions {
  /** Tag to push the manifest under; without one it is pushed by its digest. */
  tag?: string;
  /**
   * Media type sent as `Content-Type`, such as a {@link KnownManifestMediaType} value. When
   * absent: the manifest's own `mediaType` field, else an OCI image manifest or index inferred
   * from its shape. A Docker manifest without either is refused.
   */
  mediaType?: string;
}

/** Result of {@link ContainerRegistryContentClient.setManifest}. */
export interface SetManifestResult {
  /** Digest of the manifest bytes that were pushed, confirmed by the registry. */
  digest: string;
  /** Size of the manifest bytes that were pushed: with the digest, what a descriptor of it (in an index) needs. */
  sizeInBytes: number;
}

/** Options of {@link ContainerRegistryContentClient.deleteManifest}. */
export interface DeleteManifestOptions extends OperationOptions {}

/** Options of {@link ContainerRegistryContentClient.uploadBlob}. */
export interface UploadBlobOptions extends OperationOptions {
  /**
   * Length of a stream or async iterable, when known: the blob is then sent in a single request
   * instead of chunks. A source yielding a different number of bytes fails the upload.
   * Ignored for buffers and file paths, whose length is known.
   */
  sizeInBytes?: number;
  /**
   * Digest of the content, when known up front: a source of known length is then sent in a
   * single `PUT` (two requests in all). The content is still hashed while it is sent, and the
   * upload fails with {@link DigestMismatchError} when it does not match.
   */
  digest?: string;
  /**
   * Called as bytes are sent. After a resume, `loadedBytes` starts again from what the registry
   * holds, so it may go back.
   */
  onProgress?: (progress: BlobTransferProgress) => void;
  /** The inactivity timeout of this upload; default: the client's `idleTimeoutInMs`. */
  idleTimeoutInMs?: number;
}

/** Result of {@link ContainerRegistryContentClient.uploadBlob}. */
export interface UploadBlobResult {
  /** Digest of the uploaded blob (sha256), computed while it was sent and confirmed by the registry. */
  digest: string;
  /** Size of the uploaded blob in bytes. */
  sizeInBytes: number;
}

/** Options of {@link ContainerRegistryContentClient.downloadBlob}. */
export interface DownloadBlobOptions extends OperationOptions {
  /** Called as bytes are received. */
  onProgress?: (progress: BlobTransferProgress) => void;
  /**
   * How many times in a row a dropped connection is resumed (with a `Range` request) without
   * receiving any new byte before the download fails. Default: 3.
   */
  maxResumeAttempts?: number;
  /** The inactivity timeout of this download; default: the client's `idleTimeoutInMs`. */
  idleTimeoutInMs?: number;
}

/** Result of {@link ContainerRegistryContentClient.downloadBlob}. */
export interface DownloadBlobResult {
  /** Digest of the blob, as requested. */
  digest: string;
  /** Size of the blob in bytes when the registry announced it. */
  sizeInBytes?: number;
  /**
   * The blob's bytes. They are hashed as they stream: when the content does not match `digest`,
   * the stream emits an `error` event with a {@link DigestMismatchError} instead of `end`.
   */
  content: NodeJS.ReadableStream;
}

/** Options of {@link ContainerRegistryContentClient.downloadBlobToFile}: those of a download to a stream. */
export interface DownloadBlobToFileOptions extends DownloadBlobOptions {}

/** Result of {@link ContainerRegistryContentClient.downloadBlobToFile}. */
export interface DownloadBlobToFileResult {
  /** Digest of the blob, as requested; the file's content hashes to it. */
  digest: string;
  /** Size of the blob, which is the size of the file written. */
  sizeInBytes: number;
}

/** Options of {@link ContainerRegistryContentClient.listTagNames}. */
export interface ListTagNamesOptions extends OperationOptions {}

/** Options of {@link ContainerRegistryContentClient.copyBlob}. */
export interface CopyBlobOptions extends OperationOptions {
  /** Size of the blob, when known (a descriptor's `size`); otherwise the source's response tells it. */
  sizeInBytes?: number;
  /** Mount the blob when both repositories are on the same registry. Default true. */
  mount?: boolean;
  /** Called as bytes are sent to this repository. */
  onProgress?: (progress: BlobTransferProgress) => void;
  /**
   * How many times in a row a dropped connection to the source is resumed without receiving any
   * new byte before the copy fails. Default: 3.
   */
  maxResumeAttempts?: number;
}

/** Result of {@link ContainerRegistryContentClient.copyBlob}. */
export interface CopyBlobResult {
  /** Digest of the blob, verified on its way. */
  digest: string;
  /** Size of the blob, when known (always, unless it was mounted without `sizeInBytes`). */
  sizeInBytes?: number;
  /** True when the registry linked the blob from the source repository: no byte moved. */
  mounted: boolean;
}

/** Options of {@link ContainerRegistryContentClient.listReferrers}. */
export interface ListReferrersOptions extends OperationOptions {
  /** Only referrers of this artifact type, e.g. `application/vnd.cncf.notary.signature`. */
  artifactType?: string;
}

/** A page of referrers: descriptors with their `artifactType` and `annotations`. */
export interface ReferrerPageResponse extends Array<OciDescriptor> {
  /** Pass to `byPage({ continuationToken })` to resume the listing after this page; absent on the last page. */
  continuationToken?: string;
}

/** Options of {@link ContainerRegistryContentClient.deleteBlob}. */
export interface DeleteBlobOptions extends OperationOptions {}

/** Options of {@link ContainerRegistryContentClient.getBlobProperties} and {@link ContainerRegistryContentClient.blobExists}. */
export interface GetBlobPropertiesOptions extends OperationOptions {}

/** What a `HEAD` on a blob tells. */
export interface BlobProperties {
  /** Digest of the blob. */
  digest: string;
  /** Size of the blob in bytes, when the registry announced it. */
  sizeInBytes?: number;
}

/** Options of {@link ContainerRegistryContentClient.mountBlob}. */
export interface MountBlobOptions extends OperationOptions {}

/** Result of {@link ContainerRegistryContentClient.mountBlob}. */
export interface MountBlobResult {
  /** Digest of the blob. */
  digest: string;
  /**
   * True when the registry linked the blob into this repository. False when it declined (the
   * source repository lacks the blob, the credential cannot read it, or the registry does not
   * mount across repositories): the client cancelled the upload session the registry opened instead,
   * and the blob has to be uploaded.
   */
  mounted: boolean;
}

/** A page of tag names. */
export interface TagNamePageResponse extends Array<string> {
  /** Pass to `byPage({ continuationToken })` to resume the listing after this page; absent on the last page. */
  continuationToken?: string;
}
