import type { OperationOptions } from "@azure/core-client";
import { fetchOciListPage } from "../paging/ociListPage.js";
import type { RawPage } from "../paging/pagedIterator.js";
import { operationRequest, type RepositoryTarget } from "./repositoryTarget.js";

/** One page of the OCI tags API, `GET /v2/<name>/tags/list` (the first with `?n=`, later ones by `Link`). */
export function fetchTagNamesPage(target: RepositoryTarget, nextLink: string | undefined, maxPageSize: number | undefined, options: OperationOptions): Promise<RawPage<string>> {
  const listing = { path: `/v2/${target.repositoryName}/tags/list`, field: "tags" } as const;
  const send = (url: string, updated: OperationOptions) =>
    target.transport.send(operationRequest("GET", url, updated, { headers: { Accept: "application/json" } }));
  return fetchOciListPage(send, target.transport.endpoint, listing, nextLink, maxPageSize, options);
}
