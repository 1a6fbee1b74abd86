import { RestError, type PipelinePolicy } from "@azure/core-rest-pipeline";
import { firstRegistryError } from "./registryErrors.js";

export const acrApiSupportPolicyName = "acrApiSupportPolicy";

/**
 * ACR answers a 404 under `/acr/v1/` with a registry error naming what is unknown
 * (`NAME_UNKNOWN`, `TAG_UNKNOWN`, `MANIFEST_UNKNOWN`); a registry without ACR's metadata API
 * answers "page not found" (distribution's plain text, an HTML page, a generic `NOT_FOUND`).
 */
function isAcrNotFound(bodyText: string | undefined): boolean {
  const code = firstRegistryError(bodyText)?.code;
  return typeof code === "string" && code.endsWith("_UNKNOWN");
}

/**
 * Turns the 404 of a registry that has no `/acr/v1` API into a `RestError` with code `UNSUPPORTED`
 * (status 404) that says so, instead of a bare 404, and instead of the success an expected 404
 * would be read as (`deleteRepository`, `deleteTag`: "already gone"). It sits inside core-client's
 * deserialization, so the generated operations never see such a response.
 */
export function acrApiSupportPolicy(): PipelinePolicy {
  return {
    name: acrApiSupportPolicyName,
    async sendRequest(request, next) {
      const response = await next(request);
      const url = new URL(request.url);
      if (response.status !== 404 || !url.pathname.startsWith("/acr/v1/") || isAcrNotFound(response.bodyAsText ?? undefined)) return response;
      throw new RestError(
        `The registry at ${url.origin} has no ACR metadata API (${request.method} ${url.pathname} answered 404 without an ACR error): ` +
          "repository, manifest and tag properties, their updates, and deleting repositories and tags work with Azure Container Registry only. " +
          "Listing repositories and the content operations of ContainerRegistryContentClient work with any OCI registry.",
        { code: "UNSUPPORTED", statusCode: 404 },
      );
    },
  };
}
