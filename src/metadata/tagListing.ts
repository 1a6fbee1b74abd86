import type { OperationOptions } from "@azure/core-client";
import type { PagedAsyncIterableIterator } from "@azure/core-paging";
import { traceOperation } from "../diagnostics/tracing.js";
import { endpointHost } from "../http/endpoint.js";
import type { RegistryConnection } from "../http/registryConnection.js";
import type { ContainerRegistryGetTagsResponse } from "../generated/index.js";
import * as Mappers from "../generated/models/mappers.js";
import { createPagedIterator } from "../paging/pagedIterator.js";
import { canonicalDigest } from "../protocol/grammar.js";
import { checkedOperation } from "./checkedOperation.js";
import type { ArtifactTagProperties, ListTagPropertiesOptions } from "./models.js";
import { toServiceOrder, toTagProperties } from "./transformations.js";

/** A page of tag properties. */
export interface TagPageResponse extends Array<ArtifactTagProperties> {
  /** Pass to `byPage({ continuationToken })` to resume the listing after this page; absent on the last page. */
  continuationToken?: string;
}

/**
 * ACR's tag listing (`GET /acr/v1/<name>/_tags`, paged, optionally ordered by last update): every
 * tag of the repository, or, with `digestOf`, only those of one manifest (resolved on the first page).
 */
export function listTagPropertiesOf(
  connection: RegistryConnection,
  repositoryName: string,
  spanName: string,
  options: ListTagPropertiesOptions,
  digestOf?: (options: OperationOptions) => Promise<string>,
): PagedAsyncIterableIterator<ArtifactTagProperties, TagPageResponse> {
  const operations = connection.client.containerRegistry;
  const loginServer = endpointHost(connection.endpoint);
  let digest: string | undefined;
  return createPagedIterator(connection.endpoint, (nextLink, maxPageSize) =>
    traceOperation(spanName, options, async (updated) => {
      // A bad order fails the first page, before anything is sent.
      const orderby = toServiceOrder(options.order);
      if (digestOf) digest ??= await digestOf(updated);
      const response: ContainerRegistryGetTagsResponse = await checkedOperation(updated, Mappers.TagList, (checked) =>
        nextLink
          ? operations.getTagsNext(repositoryName, nextLink, checked)
          : operations.getTags(repositoryName, { ...checked, n: maxPageSize, orderby, digest }),
      );
      // The service filters by digest; filtering here too keeps the contract on registries that ignore it.
      const items = (response.tagAttributeBases ?? [])
        .filter((tag) => digest === undefined || canonicalDigest(tag.digest) === digest)
        .map((tag) => toTagProperties(tag, response.registryLoginServer || loginServer, repositoryName));
      return { items, link: response.link };
    }),
  );
}
