import type { TokenCredential } from "@azure/core-auth";
import type { OperationOptions } from "@azure/core-client";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import type { PagedAsyncIterableIterator } from "@azure/core-paging";
import { logger } from "../logger.js";
import { createPagedIterator, type Page } from "../paging/pagedIterator.js";
import { connectToRegistry } from "../pipeline.js";
import { traceOperation } from "../tracing.js";
import { redactUrl } from "../utils/sanitize.js";
import { assertDigest, assertRepositoryName, assertTag, assertTagOrDigest, isDigest } from "../utils/validation.js";
import { assertDigestMatches, computeDigest, digestAlgorithm } from "./digest.js";
import { positionOf, VerifyingBlobStream, type BlobDownloadOptions, type BlobOpener } from "./download.js";
import { downloadToFile } from "./downloadToFile.js";
import { manifestBytes, parseManifest, readManifestBody, resolveManifestMediaType, type ManifestContent } from "./manifests.js";
import { essence, MANIFEST_ACCEPT_HEADER } from "./mediaTypes.js";
import type {
  BlobProperties,
  ContainerRegistryContentClientOptions,
  DeleteBlobOptions,
  DeleteManifestOptions,
  DownloadBlobOptions,
  DownloadBlobResult,
  DownloadBlobToFileOptions,
  DownloadBlobToFileResult,
  GetBlobPropertiesOptions,
  GetManifestOptions,
  GetManifestResult,
  ListTagNamesOptions,
  MountBlobOptions,
  MountBlobResult,
  SetManifestOptions,
  SetManifestResult,
  UploadBlobOptions,
  UploadBlobResult,
} from "./models.js";
import { sendFollowingRedirects, sendToRedirectTarget } from "./redirect.js";
import { assertBlobContent, assertSize, prepareUploadSource, type BlobContent } from "./source.js";
import { StaticBufferHttpClient } from "./staticBufferHttpClient.js";
import { ensureStatus, RegistryTransport, type RawRequest } from "./transport.js";
import { DEFAULT_UPLOAD_CHUNK_BYTES, uploadBlob } from "./upload.js";

/** A page of tag names; `continuationToken` resumes the listing. */
export type TagNamePageResponse = Page<string>;

const DEFAULT_MAX_RESUME_ATTEMPTS = 3;
const RESUME_DELAY_MS = 200;

/** Bad download input throws before any request. */
function assertDownloadArguments(digest: string, options: DownloadBlobOptions): void {
  assertDigest(digest);
  digestAlgorithm(digest);
  assertSize(options.maxResumeAttempts, "maxResumeAttempts");
}

function isCredential(value: unknown): value is TokenCredential {
  return typeof (value as TokenCredential | undefined)?.getToken === "function";
}

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
  private readonly transport: RegistryTransport;
  private readonly chunkSizeInBytes: number;
  /** The last hop of blob GETs into files. */
  private readonly fileDownloadHttpClient: HttpClient;

  /**
   * Creates a client of one repository.
   * @param endpoint - The registry, e.g. `https://myregistry.azurecr.io` (the scheme defaults to https).
   * @param repositoryName - The repository, e.g. `library/hello-world`.
   * @param credential - A Microsoft Entra credential; omit it for anonymous access.
   * @param options - Pipeline options and upload settings.
   */
  constructor(endpoint: string, repositoryName: string, credential?: TokenCredential, options?: ContainerRegistryContentClientOptions);
  /**
   * Creates a client with anonymous access to one repository.
   * @param endpoint - The registry, e.g. `https://myregistry.azurecr.io` (the scheme defaults to https).
   * @param repositoryName - The repository, e.g. `library/hello-world`.
   * @param options - Pipeline options and upload settings.
   */
  constructor(endpoint: string, repositoryName: string, options?: ContainerRegistryContentClientOptions);
  constructor(
    endpoint: string,
    repositoryName: string,
    credentialOrOptions?: TokenCredential | ContainerRegistryContentClientOptions,
    clientOptions?: ContainerRegistryContentClientOptions,
  ) {
    assertRepositoryName(repositoryName);
    const credential = isCredential(credentialOrOptions) ? credentialOrOptions : undefined;
    const options = (credential ? clientOptions : (credentialOrOptions as ContainerRegistryContentClientOptions | undefined) ?? clientOptions) ?? {};
    const { uploadChunkSizeInBytes, ...registryOptions } = options;
    assertSize(uploadChunkSizeInBytes, "uploadChunkSizeInBytes");
    if (uploadChunkSizeInBytes === 0) throw new RangeError("uploadChunkSizeInBytes must be positive");
    // One HttpClient for every pipeline of this client: one connection pool, and playback sees all requests.
    const httpClient = registryOptions.httpClient ?? createDefaultHttpClient();
    const connection = connectToRegistry(endpoint, credential, { ...registryOptions, httpClient });
    this.endpoint = connection.endpoint;
    this.repositoryName = repositoryName;
    this.chunkSizeInBytes = uploadChunkSizeInBytes ?? DEFAULT_UPLOAD_CHUNK_BYTES;
    this.transport = new RegistryTransport(connection, httpClient, registryOptions);
    // A caller's own HttpClient (a recorder, a custom transport) sees every request; otherwise
    // files are downloaded without an allocation per socket read.
    this.fileDownloadHttpClient = registryOptions.httpClient ?? new StaticBufferHttpClient(httpClient);
  }

  private url(kind: "manifests" | "blobs", reference: string): string {
    return `${this.endpoint}/v2/${this.repositoryName}/${kind}/${reference}`;
  }

  private request(method: RawRequest["method"], url: string, options: OperationOptions, extra: Partial<RawRequest> = {}): RawRequest {
    return { method, url, abortSignal: options.abortSignal, tracingOptions: options.tracingOptions, ...extra };
  }

  /**
   * Fetches a manifest by tag or digest. Its bytes are checked against the requested digest and
   * the registry's `Docker-Content-Digest`; manifests over 4 MiB are refused without being read.
   * @param tagOrDigest - A tag such as `v1`, or a digest such as `sha256:...`.
   * @throws DigestMismatchError when the bytes do not match a digest.
   */
  getManifest(tagOrDigest: string, options: GetManifestOptions = {}): Promise<GetManifestResult> {
    assertTagOrDigest(tagOrDigest);
    const requestedDigest = isDigest(tagOrDigest) ? tagOrDigest : undefined;
    if (requestedDigest) digestAlgorithm(requestedDigest);
    return traceOperation("ContainerRegistryContentClient.getManifest", options, async (updated) => {
      const response = ensureStatus(
        await this.transport.send(
          this.request("GET", this.url("manifests", tagOrDigest), updated, { headers: { Accept: MANIFEST_ACCEPT_HEADER }, streamStatuses: [200] }),
        ),
        [200],
      );
      const content = await readManifestBody(response, updated.abortSignal);
      const announced = response.headers.get("docker-content-digest") ?? undefined;
      const digest = requestedDigest ?? announced ?? computeDigest(content);
      assertDigestMatches("The manifest's content", digest, computeDigest(content, digestAlgorithm(digest)));
      if (announced && announced !== digest) {
        assertDigestMatches("The manifest's Docker-Content-Digest", announced, computeDigest(content, digestAlgorithm(announced)));
      }
      const manifest = parseManifest(content, response);
      const mediaType = essence(response.headers.get("content-type")) ?? (manifest as { mediaType?: string }).mediaType ?? "";
      return { digest, mediaType, content, manifest };
    });
  }

  /**
   * Pushes a manifest, by its digest or under a tag.
   * @param manifest - A manifest object (serialised once as compact JSON), its exact bytes, or a
   *   stream of them (at most 4 MiB).
   * @throws DigestMismatchError when the registry reports another digest than the one computed locally.
   */
  setManifest(manifest: ManifestContent, options: SetManifestOptions = {}): Promise<SetManifestResult> {
    if (options.tag !== undefined) assertTag(options.tag, "tag");
    return traceOperation("ContainerRegistryContentClient.setManifest", options, async (updated) => {
      const { bytes, parsed } = await manifestBytes(manifest, updated.abortSignal);
      const mediaType = resolveManifestMediaType(bytes, parsed, options.mediaType);
      const digest = computeDigest(bytes);
      const response = ensureStatus(
        await this.transport.send(
          this.request("PUT", this.url("manifests", options.tag ?? digest), updated, {
            headers: { "Content-Type": mediaType },
            body: bytes,
          }),
        ),
        [200, 201, 202, 204],
      );
      const confirmed = response.headers.get("docker-content-digest");
      if (confirmed) assertDigestMatches("The registry stored the manifest under another digest", digest, confirmed);
      return { digest, sizeInBytes: bytes.length };
    });
  }

  /**
   * Deletes a manifest by digest (registries refuse deletes by tag). A manifest that does not
   * exist counts as deleted.
   */
  deleteManifest(digest: string, options: DeleteManifestOptions = {}): Promise<void> {
    return this.deleteByDigest("manifests", digest, "ContainerRegistryContentClient.deleteManifest", options);
  }

  /** Deletes are idempotent: 404 means the content is already gone. */
  private deleteByDigest(kind: "manifests" | "blobs", digest: string, spanName: string, options: OperationOptions): Promise<void> {
    assertDigest(digest);
    return traceOperation(spanName, options, async (updated) => {
      ensureStatus(await this.transport.send(this.request("DELETE", this.url(kind, digest), updated)), [200, 202, 204, 404]);
    });
  }

  /**
   * Uploads a blob, hashing it once as it streams. Content of known length (bytes, a file path,
   * or a stream with `sizeInBytes`) goes in a single request; a stream of unknown length goes in
   * chunks of `uploadChunkSizeInBytes`. An upload that fails or is aborted is cancelled on the registry.
   * @param content - Bytes, a Node readable, a web `ReadableStream`, an async iterable of chunks, or a file path.
   */
  uploadBlob(content: BlobContent, options: UploadBlobOptions = {}): Promise<UploadBlobResult> {
    assertBlobContent(content);
    assertSize(options.sizeInBytes, "sizeInBytes");
    if (options.digest !== undefined) {
      assertDigest(options.digest, "digest");
      if (digestAlgorithm(options.digest) !== "sha256") throw new RangeError("digest must be a sha256 digest");
    }
    return traceOperation("ContainerRegistryContentClient.uploadBlob", options, async (updated) => {
      const source = await prepareUploadSource(content, options.sizeInBytes);
      return uploadBlob(this.transport, source, {
        repositoryName: this.repositoryName,
        chunkSizeInBytes: this.chunkSizeInBytes,
        digest: options.digest,
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
    assertDownloadArguments(digest, options);
    return traceOperation("ContainerRegistryContentClient.downloadBlob", options, async (updated) => {
      const download = this.downloadOptions(digest, updated, options);
      const content = new VerifyingBlobStream(download, await download.open(0, updated.abortSignal));
      return { digest, sizeInBytes: content.sizeInBytes, content };
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
   * @param filePath - The file to create or replace; its folder must exist.
   */
  downloadBlobToFile(digest: string, filePath: string, options: DownloadBlobToFileOptions = {}): Promise<DownloadBlobToFileResult> {
    assertDownloadArguments(digest, options);
    if (typeof filePath !== "string" || filePath === "") throw new TypeError("filePath must be a non-empty string");
    return traceOperation("ContainerRegistryContentClient.downloadBlobToFile", options, async (updated) => {
      const download = this.downloadOptions(digest, updated, options, this.fileDownloadHttpClient);
      const sizeInBytes = await downloadToFile(filePath, await download.open(0, updated.abortSignal), download);
      return { digest, sizeInBytes };
    });
  }

  /** How a download of `digest` opens, verifies and resumes the blob; `httpClient` is the last hop of its GETs. */
  private downloadOptions(
    digest: string,
    updated: OperationOptions,
    options: DownloadBlobOptions,
    httpClient?: HttpClient,
  ): BlobDownloadOptions {
    return {
      expectedDigest: digest,
      open: this.blobOpener(digest, updated, httpClient),
      maxResumeAttempts: options.maxResumeAttempts ?? DEFAULT_MAX_RESUME_ATTEMPTS,
      resumeDelayInMs: RESUME_DELAY_MS,
      abortSignal: updated.abortSignal,
      onProgress: options.onProgress,
    };
  }

  /**
   * Opens the blob at an offset. A resume first goes back to the URL the registry redirected to
   * (it is signed and skips the registry), then to the registry when that fails.
   */
  private blobOpener(digest: string, options: OperationOptions, httpClient?: HttpClient): BlobOpener {
    let redirectedUrl: string | undefined;
    return async (offset, abortSignal) => {
      const request = this.request("GET", this.url("blobs", digest), { ...options, abortSignal }, {
        headers: { Accept: "application/octet-stream", ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}) },
        streamStatuses: [200, 206],
        httpClient,
      });
      if (redirectedUrl && offset > 0) {
        try {
          return positionOf(await sendToRedirectTarget(this.transport, redirectedUrl, request), offset);
        } catch (error) {
          if (abortSignal?.aborted) throw error;
          logger.info(`Resuming from ${redactUrl(redirectedUrl)} failed (${(error as Error).message}); asking the registry again`);
        }
      }
      const followed = await sendFollowingRedirects(this.transport, request);
      redirectedUrl = followed.redirectedUrl;
      return positionOf(followed.response, offset);
    };
  }

  /**
   * Lists the repository's tags with the OCI distribution API (`GET /v2/<name>/tags/list`), in
   * the registry's (lexical) order, following its `Link` pages. Works on any OCI registry; on ACR,
   * {@link RegistryArtifact.listTagProperties} gives the tags of one artifact with their properties.
   */
  listTagNames(options: ListTagNamesOptions = {}): PagedAsyncIterableIterator<string, TagNamePageResponse> {
    return createPagedIterator(this.endpoint, (nextLink, maxPageSize) =>
      traceOperation("ContainerRegistryContentClient.listTagNames", options, async (updated) => {
        const url = new URL(nextLink ?? `/v2/${this.repositoryName}/tags/list`, this.endpoint);
        if (!nextLink && maxPageSize !== undefined) url.searchParams.set("n", String(maxPageSize));
        const response = ensureStatus(
          await this.transport.send(this.request("GET", url.href, updated, { headers: { Accept: "application/json" } })),
          [200],
        );
        const body = JSON.parse(response.bodyAsText ?? "{}") as { tags?: string[] | null };
        return { items: body.tags ?? [], link: response.headers.get("link") };
      }),
    );
  }

  /** Deletes a blob. A blob that does not exist counts as deleted. */
  deleteBlob(digest: string, options: DeleteBlobOptions = {}): Promise<void> {
    return this.deleteByDigest("blobs", digest, "ContainerRegistryContentClient.deleteBlob", options);
  }

  /** Reads a blob's size with a `HEAD` request. Fails with a 404 `RestError` when the blob does not exist. */
  getBlobProperties(digest: string, options: GetBlobPropertiesOptions = {}): Promise<BlobProperties> {
    assertDigest(digest);
    return traceOperation("ContainerRegistryContentClient.getBlobProperties", options, async (updated) => {
      const { response } = await sendFollowingRedirects(this.transport, this.request("HEAD", this.url("blobs", digest), updated));
      ensureStatus(response, [200]);
      const size = Number(response.headers.get("content-length") ?? NaN);
      return { digest, sizeInBytes: Number.isSafeInteger(size) ? size : undefined };
    });
  }

  /** Whether the repository has a blob (a `HEAD` request). */
  blobExists(digest: string, options: GetBlobPropertiesOptions = {}): Promise<boolean> {
    assertDigest(digest);
    return traceOperation("ContainerRegistryContentClient.blobExists", options, async (updated) => {
      const { response } = await sendFollowingRedirects(this.transport, this.request("HEAD", this.url("blobs", digest), updated));
      if (response.status === 404) return false;
      ensureStatus(response, [200]);
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
    assertDigest(digest);
    assertRepositoryName(fromRepository, "fromRepository");
    return traceOperation("ContainerRegistryContentClient.mountBlob", options, async (updated) => {
      const url = `${this.endpoint}/v2/${this.repositoryName}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepository)}`;
      const response = ensureStatus(await this.transport.send(this.request("POST", url, updated)), [201, 202]);
      if (response.status === 201) return { digest, mounted: true };
      const location = response.headers.get("location");
      if (location) {
        const session = new URL(location, response.request.url).href;
        await this.transport.send({ method: "DELETE", url: session, tracingOptions: updated.tracingOptions }).catch((error: unknown) => {
          logger.warning(`Could not cancel the upload session opened instead of a mount: ${(error as Error).message}`);
        });
      }
      return { digest, mounted: false };
    });
  }
}
