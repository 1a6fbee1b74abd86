import type { OperationOptions } from "@azure/core-client";
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { redactUrl } from "../diagnostics/redaction.js";
import { clientError, KnownContainerRegistryErrorCode } from "../errors/errorCodes.js";
import { ensureStatus } from "../http/registryTransport.js";
import { essence, MANIFEST_ACCEPT_HEADER } from "../protocol/mediaTypes.js";
import { isDigest } from "../protocol/assertions.js";
import { canonicalDigest, isDigest as isWellFormedDigest } from "../protocol/grammar.js";
import { assertDigestMatches, computeDigest, digestAlgorithm, isVerifiable } from "../transfer/digest.js";
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
  const announced = announcedDigest(response);
  const digest = requestedDigest ?? announced ?? computeDigest(content);
  assertDigestMatches("The manifest's content", digest, computeDigest(content, digestAlgorithm(digest)));
  if (announced && announced !== digest) {
    assertDigestMatches("The manifest's Docker-Content-Digest", announced, computeDigest(content, digestAlgorithm(announced)));
  }
  const manifest = parseManifest(content, response);
  const mediaType = essence(response.headers.get("content-type")) ?? (manifest as { mediaType?: string }).mediaType ?? "";
  return { digest, mediaType, content, manifest };
}

/**
 * The response's `Docker-Content-Digest` in canonical form (lowercase hex), so that the digest
 * `getManifest` returns is one it accepts back. One that is malformed, or of an algorithm the
 * client cannot verify, is an `InvalidResponse` RestError.
 */
function announcedDigest(response: PipelineResponse): string | undefined {
  const header = response.headers.get("docker-content-digest");
  if (header === undefined) return undefined;
  const digest = canonicalDigest(header.trim());
  if (!isWellFormedDigest(digest) || !isVerifiable(digest)) {
    throw clientError(
      KnownContainerRegistryErrorCode.InvalidResponse,
      `The registry's Docker-Content-Digest header for ${redactUrl(response.request.url)} is not a digest the client can verify (sha256, sha384 or sha512)`,
      { response },
    );
  }
  return digest;
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
