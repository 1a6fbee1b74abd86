import type { OperationOptions } from "@azure/core-client";
import { isRestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import { restErrorFromResponse } from "../errors/registryErrors.js";
import { InvalidManifestError } from "../errors/invalidManifestError.js";
import { KnownManifestMediaType } from "../protocol/mediaTypes.js";
import { artifactTypeFilterApplied, referrersTag } from "../protocol/referrers.js";
import type { RawPage } from "../paging/pagedIterator.js";
import { checkIndex } from "./manifestReferences.js";
import { readManifestBody } from "./manifests.js";
import type { OciDescriptor } from "./models.js";
import { readReferrersTag } from "./referrersTag.js";
import { operationRequest, type RepositoryTarget } from "./repositoryTarget.js";

function filtered(descriptors: OciDescriptor[], artifactType: string | undefined): OciDescriptor[] {
  return artifactType === undefined ? descriptors : descriptors.filter((descriptor) => descriptor.artifactType === artifactType);
}

/** Referrers by the referrers tag schema, for registries without the API: one page, filtered here. */
async function referrersFromTag(target: RepositoryTarget, digest: string, artifactType: string | undefined, options: OperationOptions): Promise<RawPage<OciDescriptor>> {
  const current = await readReferrersTag(target, referrersTag(digest), options);
  return { items: filtered(current?.index.manifests ?? [], artifactType) };
}

/**
 * `GET /v2/<name>/referrers/<digest>` (one page, or the page `nextLink` names), else — on a registry
 * that answers 404 without `NAME_UNKNOWN`, i.e. has no referrers API — the referrers tag. A filter
 * the registry did not apply (no `OCI-Filters-Applied: artifactType`) is applied here.
 */
export async function fetchReferrersPage(
  target: RepositoryTarget,
  digest: string,
  artifactType: string | undefined,
  nextLink: string | undefined,
  options: OperationOptions,
): Promise<RawPage<OciDescriptor>> {
  if (artifactType !== undefined && (typeof artifactType !== "string" || artifactType === "")) throw new TypeError("artifactType must be a non-empty string");
  if (target.referrers.apiSupported === false) return referrersFromTag(target, digest, artifactType, options);
  const url = new URL(nextLink ?? `/v2/${target.repositoryName}/referrers/${digest}`, target.transport.endpoint);
  if (!nextLink && artifactType !== undefined) url.searchParams.set("artifactType", artifactType);
  let response: PipelineResponse;
  try {
    response = await target.transport.send(
      operationRequest("GET", url.href, options, { headers: { Accept: KnownManifestMediaType.OciImageIndex }, streamStatuses: [200] }),
    );
    if (response.status === 404) throw restErrorFromResponse(response);
  } catch (error) {
    // 404 NAME_UNKNOWN: the repository does not exist, which says nothing of the API. Any other
    // 404 (plain text from a router that has no such route, even one the pipeline could not parse) does.
    if (!isRestError(error) || error.statusCode !== 404 || error.code === "NAME_UNKNOWN") throw error;
    target.referrers.apiSupported = false;
    return referrersFromTag(target, digest, artifactType, options);
  }
  if (response.status !== 200) throw restErrorFromResponse(response);
  target.referrers.apiSupported = true;
  const source = `the referrers of ${digest}`;
  let body: unknown;
  try {
    body = JSON.parse((await readManifestBody(response, options.abortSignal)).toString("utf8"));
  } catch (error) {
    if (error instanceof SyntaxError) throw new InvalidManifestError(source, "", "is not JSON");
    throw error;
  }
  const manifests = checkIndex(body, source).manifests;
  const applied = artifactTypeFilterApplied(response.headers.get("oci-filters-applied"));
  return { items: applied ? manifests : filtered(manifests, artifactType), link: response.headers.get("link") };
}
