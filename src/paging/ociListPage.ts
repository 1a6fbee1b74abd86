import type { CompositeMapper, Mapper, OperationOptions } from "@azure/core-client";
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { restErrorFromResponse } from "../errors/registryErrors.js";
import { assertResponseShape, parseResponseJson } from "../errors/responseShape.js";
import type { RawPage } from "./pagedIterator.js";

/** Sends a GET for one listing page (`Accept: application/json`) through a client's pipeline. */
export type ListPageSender = (url: string, options: OperationOptions) => Promise<PipelineResponse>;

/**
 * One page of an OCI distribution listing, `/v2/_catalog` (`repositories`) or `/v2/<name>/tags/list`
 * (`tags`): the first page asks for `?n=<maxPageSize>`, later ones follow the registry's `Link`.
 */
export async function fetchOciListPage(
  send: ListPageSender,
  endpoint: string,
  listing: { path: string; field: "repositories" | "tags" },
  nextLink: string | undefined,
  maxPageSize: number | undefined,
  options: OperationOptions,
): Promise<RawPage<string>> {
  const url = new URL(nextLink ?? listing.path, endpoint);
  if (!nextLink && maxPageSize !== undefined) url.searchParams.set("n", String(maxPageSize));
  const response = await send(url.href, options);
  if (response.status !== 200) throw restErrorFromResponse(response);
  const body = parseResponseJson(response, response.bodyAsText || "{}");
  assertResponseShape(body, LIST_SHAPES[listing.field], response);
  return { items: (body as Record<string, string[] | null | undefined>)[listing.field] ?? [], link: response.headers.get("link") };
}

/** `{"repositories": [...]}` or `{"tags": [...]}`: an array of strings, or null/absent for none. */
function listShape(field: "repositories" | "tags"): CompositeMapper {
  const names: Mapper = { serializedName: field, type: { name: "Sequence", element: { type: { name: "String" } } } };
  return { type: { name: "Composite", className: field, modelProperties: { [field]: names } } };
}

const LIST_SHAPES = { repositories: listShape("repositories"), tags: listShape("tags") };
