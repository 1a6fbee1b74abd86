import type { OperationOptions } from "@azure/core-client";
import { ensureStatus } from "../http/registryTransport.js";
import { essence, MANIFEST_ACCEPT_HEADER } from "../protocol/mediaTypes.js";
import { isDigest } from "../protocol/assertions.js";
import { assertDigestMatches, computeDigest, digestAlgorithm } from "../transfer/digest.js";
import { manifestBytes, parseManifest, readManifestBody, resolveManifestMediaType, type ManifestContent } from "./manifests.js";
import type { GetManifestResult, SetManifestResult } from "./models.js";
import { contentUrl, operationRequest, type RepositoryTarget } from "./repositoryTarget.js";

/**
 * GETs a manifest and verifies its bytes against the requested digest (by digest) or the
 * registry's `Docker-Content-Digest` (by tag, and whenever the registry announces one).
 */
export async function fetchManifest(target: RepositoryTarget, tagOrDigest: string, options: OperationOptions): Promise<GetManifestResult> {
  const requestedDigest = isDigest(tagOrDigest) ? tagOrDigest : undefined;
  const request = operationRequest("GET", contentUrl(target, "manifests", tagOrDigest), options, {
    headers: { Accept: MANIFEST_ACCEPT_HEADER },
    streamStatuses: [200],
  });
  const response = ensureStatus(await target.transport.send(request), [200]);
  const content = await readManifestBody(response, options.abortSignal);
  const announced = response.headers.get("docker-content-digest") ?? undefined;
  const digest = requestedDigest ?? announced ?? computeDigest(content);
  assertDigestMatches("The manifest's content", digest, computeDigest(content, digestAlgorithm(digest)));
  if (announced && announced !== digest) {
    assertDigestMatches("The manifest's Docker-Content-Digest", announced, computeDigest(content, digestAlgorithm(announced)));
  }
  const manifest = parseManifest(content, response);
  const mediaType = essence(response.headers.get("content-type")) ?? (manifest as { mediaType?: string }).mediaType ?? "";
  return { digest, mediaType, content, manifest };
}

/** PUTs a manifest under a tag or its digest and checks the digest the registry reports. */
export async function pushManifest(
  target: RepositoryTarget,
  manifest: ManifestContent,
  options: OperationOptions & { tag?: string; mediaType?: string },
): Promise<SetManifestResult> {
  const { bytes, parsed } = await manifestBytes(manifest, options.abortSignal);
  const mediaType = resolveManifestMediaType(bytes, parsed, options.mediaType);
  const digest = computeDigest(bytes);
  const request = operationRequest("PUT", contentUrl(target, "manifests", options.tag ?? digest), options, {
    headers: { "Content-Type": mediaType },
    body: bytes,
  });
  const response = ensureStatus(await target.transport.send(request), [200, 201, 202, 204]);
  const confirmed = response.headers.get("docker-content-digest");
  if (confirmed) assertDigestMatches("The registry stored the manifest under another digest", digest, confirmed);
  return { digest, sizeInBytes: bytes.length };
}

/** DELETEs a manifest or blob by digest. Deletes are idempotent: 404 means the content is already gone. */
export async function deleteContent(target: RepositoryTarget, kind: "manifests" | "blobs", digest: string, options: OperationOptions): Promise<void> {
  ensureStatus(await target.transport.send(operationRequest("DELETE", contentUrl(target, kind, digest), options)), [200, 202, 204, 404]);
}
