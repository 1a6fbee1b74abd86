import type { PagedAsyncIterableIterator } from "@azure/core-paging";
import { traceOperation } from "../diagnostics/tracing.js";
import type { RegistryCredential } from "../http/registryConnection.js";
import { createPagedIterator } from "../paging/pagedIterator.js";
import type { ImageReference } from "../protocol/imageReference.js";
import { assertDigest, assertRepositoryName, assertTag, assertTagOrDigest, isDigest } from "../protocol/assertions.js";
import { assertPlatformSelector } from "../protocol/platform.js";
import { digestAlgorithm } from "../transfer/digest.js";
import { uploadBlob } from "../transfer/upload.js";
import { assertBlobContent, assertSize, prepareUploadSource, type BlobContent } from "../transfer/uploadSource.js";
import { assertDownloadArguments, blobProperties, downloadBlobIntoFile, headBlob, mountFrom, openBlobStream } from "./blobOperations.js";
import { copyBlobBetween } from "./blobRelay.js";
import { setUpClient, type ClientArguments } from "./clientSetup.js";
import { deleteContent, fetchManifest } from "./manifestOperations.js";
import { pushManifest } from "./manifestPush.js";
import { registryManifestReader, selectPlatformManifest } from "./platformSelection.js";
import { fetchReferrersPage } from "./referrers.js";
import type { ManifestContent } from "./manifests.js";
import type {
  BlobProperties,
  ContainerRegistryContentClientOptions,
  CopyBlobOptions,
  CopyBlobResult,
  DeleteBlobOptions,
  DeleteManifestOptions,
  DownloadBlobOptions,
  DownloadBlobResult,
  DownloadBlobToFileOptions,
  DownloadBlobToFileResult,
  GetBlobPropertiesOptions,
  GetManifestOptions,
  GetManifestResult,
  ListReferrersOptions,
  ListTagNamesOptions,
  MountBlobOptions,
  OciDescriptor,
  ReferrerPageResponse,
  MountBlobResult,
  SetManifestOptions,
  SetManifestResult,
  TagNamePageResponse,
  UploadBlobOptions,
  UploadBlobResult,
} from "./models.js";
import { fetchTagNamesPage } from "./tagNames.js";
import type { RepositoryTarget } from "./repositoryTarget.js";

/**
 * Pushes and pulls the content of one repository: blobs (layers, configs) and manifests. Works
 * with Azure Container Registry and any OCI distribution registry.
 *
 * Blobs stream in both directions and are verified by digest on the way; manifests are checked
 * against the digest they are requested by and the one the registry announces.
 */
export class ContainerRegistryContentClient {
  /** The registry's URL, e.g. `https://myregistry.azurecr.io`. */
  readonly endpoint: string;
  /** Name of the repository this client works in, e.g. `library/hello-world`. */
  readonly repositoryName: string;
  private readonly target: RepositoryTarget;
  private readonly chunkSizeInBytes: number;

  /**
   * Creates a client of one repository.
   * @param endpoint - The registry, e.g. `https://myregistry.azurecr.io` (the scheme defaults to https).
   * @param repositoryName - The repository, e.g. `library/hello-world`.
   * @param credential - A Microsoft Entra credential (ACR), an `AzureNamedKeyCredential` (username and
   *   password or token) or a {@link DockerConfigCredential}; omit it for anonymous access.
   * @param options - Pipeline options and upload settings.
   */
  constructor(endpoint: string, repositoryName: string, credential?: RegistryCredential, options?: ContainerRegistryContentClientOptions);
  /**
   * Creates a client with anonymous access to one repository.
   * @param endpoint - The registry, e.g. `https://myregistry.azurecr.io` (the scheme defaults to https).
   * @param repositoryName - The repository, e.g. `library/hello-world`.
   * @param options - Pipeline options and upload settings.
   */
  constructor(endpoint: string, repositoryName: string, options?: ContainerRegistryContentClientOptions);
  /**
   * Creates a client of the repository an image reference names, on its registry's endpoint
   * (`https://<registry>`; Docker Hub's for `docker.io`). The reference's tag or digest is not
   * part of the client: pass `reference.tagOrDigest` to {@link ContainerRegistryContentClient.getManifest}.
   *
   * ```ts
   * const reference = parseImageReference("ghcr.io/owner/app:v1");
   * const client = new ContainerRegistryContentClient(reference, new DockerConfigCredential());
   * const { manifest } = await client.getManifest(reference.tagOrDigest);
   * ```
   * @param reference - What {@link parseImageReference} returns.
   * @param credential - Any {@link RegistryCredential}; omit it for anonymous access.
   * @param options - Pipeline options and upload settings.
   */
  constructor(reference: ImageReference, credential?: RegistryCredential, options?: ContainerRegistryContentClientOptions);
  /** Creates a client with anonymous access to the repository an image reference names. */
  constructor(reference: ImageReference, options?: ContainerRegistryContentClientOptions);
  constructor(
    endpointOrReference: string | ImageReference,
    ...rest: ClientArguments
  ) {
    const client = setUpClient(endpointOrReference, rest);
    this.endpoint = client.endpoint;
    this.repositoryName = client.repositoryName;
    this.chunkSizeInBytes = client.chunkSizeInBytes;
    this.target = client.target;
  }

  /**
   * Fetches a manifest by tag or digest. Its bytes are checked against the requested digest and
   * the registry's `Docker-Content-Digest`; manifests over 4 MiB are refused without being read.
   * The `digest` returned is canonical (lowercase hex, as the OCI spec writes it) whatever the case
   * the registry announced it in, so it can be passed back to any method. With `platform`, an
   * index (a multi-platform image) is resolved to the manifest of that platform's image.
   * @param tagOrDigest - A tag such as `v1`, or a digest such as `sha256:...`.
   * @throws DigestMismatchError when the bytes do not match a digest.
   * @throws NoMatchingPlatformError when no image of the index is built for `platform`.
   */
  getManifest(tagOrDigest: string, options: GetManifestOptions = {}): Promise<GetManifestResult> {
    return traceOperation("ContainerRegistryContentClient.getManifest", options, async (updated) => {
      assertTagOrDigest(tagOrDigest);
      if (isDigest(tagOrDigest)) digestAlgorithm(tagOrDigest);
      const { platform } = options;
      if (platform !== undefined) assertPlatformSelector(platform);
      const root = await fetchManifest(this.target, tagOrDigest, updated);
      return platform ? selectPlatformManifest(root, platform, registryManifestReader(this.target, updated)) : root;
    });
  }


  /**
   * Pushes a manifest, by its digest or under a tag.
   * @param manifest - A manifest object (serialised once as compact JSON), its exact bytes, or a
   *   stream of them (at most 4 MiB).
   * @throws DigestMismatchError when the registry reports another digest than the one computed locally.
   */
  setManifest(manifest: ManifestContent, options: SetManifestOptions = {}): Promise<SetManifestResult> {
    return traceOperation("ContainerRegistryContentClient.setManifest", options, (updated) => {
      if (options.tag !== undefined) assertTag(options.tag, "tag");
      return pushManifest(this.target, manifest, { ...updated, tag: options.tag, mediaType: options.mediaType });
    });
  }

  /**
   * Deletes a manifest by digest (registries refuse deletes by tag). A manifest that does not
   * exist counts as deleted.
   */
  deleteManifest(digest: string, options: DeleteManifestOptions = {}): Promise<void> {
    return traceOperation("ContainerRegistryContentClient.deleteManifest", options, (updated) => {
      assertDigest(digest);
      return deleteContent(this.target, "manifests", digest, updated);
    });
  }

  /**
   * Uploads a blob, hashing it once as it streams. Content of known length (bytes, a file path,
   * or a stream with `sizeInBytes`) goes in a single request; a stream of unknown length goes in
   * chunks of `uploadChunkSizeInBytes`. An upload that fails or is aborted is cancelled on the registry.
   * @param content - Bytes, a Node readable, a web `ReadableStream`, an async iterable of chunks, or a file path.
   */
  uploadBlob(content: BlobContent, options: UploadBlobOptions = {}): Promise<UploadBlobResult> {
    return traceOperation("ContainerRegistryContentClient.uploadBlob", options, async (updated) => {
      assertBlobContent(content);
      assertSize(options.sizeInBytes, "sizeInBytes");
      assertSize(options.idleTimeoutInMs, "idleTimeoutInMs");
      if (options.digest !== undefined) {
        assertDigest(options.digest, "digest");
        if (digestAlgorithm(options.digest) !== "sha256") throw new RangeError("digest must be a sha256 digest");
      }
      const source = await prepareUploadSource(content, options.sizeInBytes);
      return uploadBlob(this.target.transport, source, {
        repositoryName: this.repositoryName,
        chunkSizeInBytes: this.chunkSizeInBytes,
        digest: options.digest,
        idleTimeoutInMs: options.idleTimeoutInMs ?? this.target.transfers.idleTimeoutInMs,
        retry: this.target.transfers.retry,
        abortSignal: updated.abortSignal,
        tracingOptions: updated.tracingOptions,
        onProgress: options.onProgress,
      });
    });
  }

  /**
   * Downloads a blob as a stream that verifies its digest: a mismatch is the stream's `error`
   * event (a {@link DigestMismatchError}). A dropped connection is resumed where it stopped.
   * Redirects to other hosts (ACR's blob storage) are followed without credentials.
   */
  downloadBlob(digest: string, options: DownloadBlobOptions = {}): Promise<DownloadBlobResult> {
    return traceOperation("ContainerRegistryContentClient.downloadBlob", options, (updated) => {
      assertDownloadArguments(digest, options);
      return openBlobStream(this.target, digest, { ...options, ...updated });
    });
  }

  /**
   * Downloads a blob into a file, verified and atomically: the bytes go to a temporary file beside
   * it (`<filePath>.<random>.partial`), hashed as they arrive, and that file is renamed onto
   * `filePath` only once the whole blob matched its digest. On any failure (a
   * {@link DigestMismatchError}, an `AbortError`, a `RestError`, a connection that could not be
   * resumed) the temporary file is removed and `filePath` is left as it was.
   *
   * Bytes are written from the socket's read buffers, with no allocation per read, which keeps
   * the process's memory flat however large the blob (through a proxy, an `agent` or an
   * `httpClient` of the caller's, they come through that client as for a stream). A dropped
   * connection is resumed where it stopped, and redirects to other hosts are followed without
   * credentials, as with {@link ContainerRegistryContentClient.downloadBlob}.
   *
   * The target is checked before anything is downloaded: `filePath` must name a regular file (it
   * is replaced) or nothing yet, in a folder that exists. A symbolic link, a directory, a FIFO, a
   * device node or a socket there is refused with a `RangeError` and left as it is: the final rename
   * would turn a special file into a regular one, and a link is never followed to a place the
   * caller did not name (pass `fs.realpath(filePath)` to download where a link points).
   * @param filePath - The file to create or replace; its folder must exist.
   * @throws RangeError (as a rejection) when `filePath` exists and is not a regular file, or its folder does not exist.
   */
  downloadBlobToFile(digest: string, filePath: string, options: DownloadBlobToFileOptions = {}): Promise<DownloadBlobToFileResult> {
    return traceOperation("ContainerRegistryContentClient.downloadBlobToFile", options, (updated) => {
      assertDownloadArguments(digest, options);
      return downloadBlobIntoFile(this.target, digest, filePath, { ...options, ...updated });
    });
  }

  /**
   * Lists the repository's tags with the OCI distribution API (`GET /v2/<name>/tags/list`), in
   * the registry's (lexical) order, following its `Link` pages. Works on any OCI registry; on ACR,
   * {@link RegistryArtifact.listTagProperties} gives the tags of one artifact with their properties.
   */
  listTagNames(options: ListTagNamesOptions = {}): PagedAsyncIterableIterator<string, TagNamePageResponse> {
    return createPagedIterator(this.endpoint, (nextLink, maxPageSize) =>
      traceOperation("ContainerRegistryContentClient.listTagNames", options, (updated) => fetchTagNamesPage(this.target, nextLink, maxPageSize, updated)),
    );
  }

  /**
   * Lists the referrers of a manifest (signatures, SBOMs, attestations: OCI 1.1 manifests whose
   * `subject` is `digest`) by the referrers API (`GET /v2/<name>/referrers/<digest>`, `Link` pages)
   * or, on a registry without it, the referrers tag (`sha256-<hex>`). `artifactType` filters it.
   * @param digest - The subject manifest's digest.
   */
  listReferrers(digest: string, options: ListReferrersOptions = {}): PagedAsyncIterableIterator<OciDescriptor, ReferrerPageResponse> {
    return createPagedIterator(this.endpoint, (nextLink) =>
      traceOperation("ContainerRegistryContentClient.listReferrers", options, async (updated) => {
        assertDigest(digest);
        return fetchReferrersPage(this.target, digest, options.artifactType, nextLink, updated);
      }),
    );
  }

  /**
   * Copies a blob from another repository, of this registry or another, into this one: mounted
   * when both are on the same registry (and it agrees), else streamed from the source's download
   * into this upload without touching the disk, hashed once (the download checks the digest, the
   * registry again), resumed if the source drops. Each client uses its own credential.
   * @param source - A client of the repository that holds the blob.
   */
  copyBlob(digest: string, source: ContainerRegistryContentClient, options: CopyBlobOptions = {}): Promise<CopyBlobResult> {
    return traceOperation("ContainerRegistryContentClient.copyBlob", options, async (updated) => {
      if (!(source instanceof ContainerRegistryContentClient)) throw new TypeError("source must be a ContainerRegistryContentClient");
      assertDownloadArguments(digest, options);
      if (digestAlgorithm(digest) !== "sha256") throw new RangeError("digest must be a sha256 digest");
      assertSize(options.sizeInBytes, "sizeInBytes");
      return copyBlobBetween(source.target, this.target, digest, { ...options, ...updated, chunkSizeInBytes: this.chunkSizeInBytes });
    });
  }

  /** Deletes a blob. A blob that does not exist counts as deleted. */
  deleteBlob(digest: string, options: DeleteBlobOptions = {}): Promise<void> {
    return traceOperation("ContainerRegistryContentClient.deleteBlob", options, (updated) => {
      assertDigest(digest);
      return deleteContent(this.target, "blobs", digest, updated);
    });
  }

  /** Reads a blob's size with a `HEAD` request. Fails with a 404 `RestError` when the blob does not exist. */
  getBlobProperties(digest: string, options: GetBlobPropertiesOptions = {}): Promise<BlobProperties> {
    return traceOperation("ContainerRegistryContentClient.getBlobProperties", options, async (updated) => {
      assertDigest(digest);
      return blobProperties(digest, await headBlob(this.target, digest, updated));
    });
  }

  /** Whether the repository has a blob (a `HEAD` request). */
  blobExists(digest: string, options: GetBlobPropertiesOptions = {}): Promise<boolean> {
    return traceOperation("ContainerRegistryContentClient.blobExists", options, async (updated) => {
      assertDigest(digest);
      const response = await headBlob(this.target, digest, updated);
      if (response.status === 404) return false;
      blobProperties(digest, response);
      return true;
    });
  }

  /**
   * Links a blob that another repository of the same registry already holds into this one,
   * without transferring it. When the registry declines (it answers with an upload session
   * instead), the session is cancelled and `mounted` is false: upload the blob instead.
   * @param fromRepository - The repository that holds the blob.
   */
  mountBlob(digest: string, fromRepository: string, options: MountBlobOptions = {}): Promise<MountBlobResult> {
    return traceOperation("ContainerRegistryContentClient.mountBlob", options, (updated) => {
      assertDigest(digest);
      assertRepositoryName(fromRepository, "fromRepository");
      return mountFrom(this.target, digest, fromRepository, updated);
    });
  }
}
