import type { OperationOptions } from "@azure/core-client";
import type { HttpClient, PipelineResponse } from "@azure/core-rest-pipeline";
import { sendFollowingRedirects } from "../http/redirects.js";
import { ensureStatus } from "../http/registryTransport.js";
import { assertDigest } from "../protocol/assertions.js";
import type { BlobDownloadOptions } from "../transfer/blobDownload.js";
import { digestAlgorithm } from "../transfer/digest.js";
import { assertSize } from "../transfer/uploadSource.js";
import { DEFAULT_MAX_RESUME_ATTEMPTS, DEFAULT_RESUME_DELAY_MS, openFirst, resumingBlobOpener } from "../transfer/downloadResume.js";
import { downloadToFile } from "../transfer/downloadToFile.js";
import { assertDownloadTarget } from "../transfer/fileTarget.js";
import { cancelUploadSession } from "../transfer/uploadSession.js";
import { VerifyingBlobStream } from "../transfer/verifyingBlobStream.js";
import type { BlobProperties, DownloadBlobOptions, DownloadBlobResult, DownloadBlobToFileResult, MountBlobResult } from "./models.js";
import { contentUrl, operationRequest, type RepositoryTarget } from "./repositoryTarget.js";

/** How a download of `digest` opens, verifies and resumes the blob; `httpClient` is the last hop of its GETs. */
export function downloadOptions(
  target: RepositoryTarget,
  digest: string,
  options: OperationOptions & DownloadBlobOptions,
  httpClient?: HttpClient,
): BlobDownloadOptions {
  const idleTimeoutInMs = options.idleTimeoutInMs ?? target.transfers.idleTimeoutInMs;
  return {
    expectedDigest: digest,
    open: resumingBlobOpener(target.transport, contentUrl(target, "blobs", digest), { tracingOptions: options.tracingOptions, httpClient, idleTimeoutInMs }),
    maxResumeAttempts: options.maxResumeAttempts ?? DEFAULT_MAX_RESUME_ATTEMPTS,
    resumeDelayInMs: DEFAULT_RESUME_DELAY_MS,
    idleTimeoutInMs,
    abortSignal: options.abortSignal,
    onProgress: options.onProgress,
  };
}

/** Opens a blob as a stream that verifies its digest and resumes dropped connections. */
export async function openBlobStream(target: RepositoryTarget, digest: string, options: DownloadBlobOptions): Promise<DownloadBlobResult> {
  const download = downloadOptions(target, digest, options);
  const content = new VerifyingBlobStream(download, await openFirst(download));
  return { digest, sizeInBytes: content.sizeInBytes, content };
}

/**
 * Downloads a blob into a file, verified and atomically (see transfer/downloadToFile.ts), once
 * the target passed the rule of transfer/fileTarget.ts: nothing is requested for a target refused.
 */
export async function downloadBlobIntoFile(
  target: RepositoryTarget,
  digest: string,
  filePath: string,
  options: DownloadBlobOptions,
): Promise<DownloadBlobToFileResult> {
  await assertDownloadTarget(filePath);
  const download = downloadOptions(target, digest, options, target.fileDownloadHttpClient);
  const sizeInBytes = await downloadToFile(filePath, await openFirst(download), download);
  return { digest, sizeInBytes };
}

/** `HEAD` on a blob, following the registry's redirects without credentials. */
export async function headBlob(target: RepositoryTarget, digest: string, options: OperationOptions): Promise<PipelineResponse> {
  const { response } = await sendFollowingRedirects(target.transport, operationRequest("HEAD", contentUrl(target, "blobs", digest), options));
  return response;
}

/** A blob's size from a `HEAD` response that found it. */
export function blobProperties(digest: string, response: PipelineResponse): BlobProperties {
  ensureStatus(response, [200]);
  const size = Number(response.headers.get("content-length") ?? NaN);
  return { digest, sizeInBytes: Number.isSafeInteger(size) ? size : undefined };
}

/**
 * Asks the registry to link a blob of another repository into this one. A registry that declines
 * opens an upload session instead (202): that session is cancelled.
 */
export async function mountFrom(target: RepositoryTarget, digest: string, fromRepository: string, options: OperationOptions): Promise<MountBlobResult> {
  const query = `mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepository)}`;
  const url = `${target.transport.endpoint}/v2/${target.repositoryName}/blobs/uploads/?${query}`;
  const response = ensureStatus(await target.transport.send(operationRequest("POST", url, options)), [201, 202]);
  if (response.status === 201) return { digest, mounted: true };
  const location = response.headers.get("location");
  if (location) await cancelUploadSession(target.transport, new URL(location, response.request.url).href, { tracingOptions: options.tracingOptions });
  return { digest, mounted: false };
}

/** Bad download input fails before any request. */
export function assertDownloadArguments(digest: string, options: DownloadBlobOptions): void {
  assertDigest(digest);
  digestAlgorithm(digest);
  assertSize(options.maxResumeAttempts, "maxResumeAttempts");
  assertSize(options.idleTimeoutInMs, "idleTimeoutInMs");
}
