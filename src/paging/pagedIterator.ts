import { getPagedAsyncIterator, type PagedAsyncIterableIterator, type PageSettings } from "@azure/core-paging";
import { findNextLink } from "./linkHeader.js";

/** A page of results; `continuationToken` resumes listing after it (in this process or another). */
export type Page<T> = T[] & { continuationToken?: string };

/** One page as a listing operation returns it: its items and the raw `Link` header. */
export interface RawPage<T> {
  items: T[];
  link?: string;
}

/**
 * Fetches one page. `nextLink` is undefined for the first page; otherwise it is the registry's
 * `rel="next"` link (or a user's continuation token) as a path+query on the registry.
 */
export type PageFetcher<T> = (nextLink: string | undefined, maxPageSize: number | undefined) => Promise<RawPage<T>>;

/**
 * The continuation token is the registry's next link as a path and query (`/acr/v1/_catalog?last=x&n=5`):
 * it carries everything needed to resume, so it works across processes. An absolute link is
 * accepted only on the registry's own origin.
 */
export function toContinuationToken(link: string | undefined, registryEndpoint: string): string | undefined {
  if (!link) return undefined;
  const base = new URL(registryEndpoint);
  const url = new URL(link, base);
  if (url.origin !== base.origin) {
    throw new RangeError(`Refusing a pagination link to another host (${url.origin}); expected ${base.origin}`);
  }
  return /^[a-z][a-z0-9+.-]*:/i.test(link) ? `${url.pathname}${url.search}` : link;
}

function assertPageSettings(settings: PageSettings | undefined, registryEndpoint: string): void {
  const { maxPageSize, continuationToken } = settings ?? {};
  if (maxPageSize !== undefined && (!Number.isInteger(maxPageSize) || maxPageSize <= 0)) {
    throw new RangeError(`maxPageSize must be a positive integer, got ${maxPageSize}`);
  }
  if (continuationToken !== undefined) {
    if (typeof continuationToken !== "string" || continuationToken === "") {
      throw new RangeError("continuationToken must be a non-empty string returned by a previous page");
    }
    toContinuationToken(continuationToken, registryEndpoint);
  }
}

/** Builds the `PagedAsyncIterableIterator` every listing method returns. */
export function createPagedIterator<T>(registryEndpoint: string, fetchPage: PageFetcher<T>): PagedAsyncIterableIterator<T, Page<T>> {
  const iterator = getPagedAsyncIterator<T, Page<T>, PageSettings, string>({
    firstPageLink: "",
    getPage: async (pageLink, maxPageSize) => {
      const raw = await fetchPage(pageLink || undefined, maxPageSize);
      const continuationToken = toContinuationToken(findNextLink(raw.link), registryEndpoint);
      const page: Page<T> = Object.assign([...raw.items], { continuationToken });
      return { page, nextPageLink: continuationToken };
    },
  });
  const byPage = iterator.byPage;
  iterator.byPage = (settings?: PageSettings) => {
    assertPageSettings(settings, registryEndpoint);
    return byPage(settings);
  };
  return iterator;
}
