import type { PagedAsyncIterableIterator, PageSettings } from "@azure/core-paging";
import { clientError, KnownContainerRegistryErrorCode } from "../errors/errorCodes.js";
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

/** The path and query of `link` when it is on the registry's own origin; undefined for any other origin. */
function sameOriginLink(link: string, registryEndpoint: string): string | undefined {
  const base = new URL(registryEndpoint);
  const url = new URL(link, base);
  if (url.origin !== base.origin) return undefined;
  return /^[a-z][a-z0-9+.-]*:/i.test(link) ? `${url.pathname}${url.search}` : link;
}

/**
 * The continuation token is the registry's next link as a path and query (`/acr/v1/_catalog?last=x&n=5`):
 * it carries everything needed to resume, so it works across processes. An absolute link is
 * accepted only on the registry's own origin (an `InvalidResponse` RestError otherwise).
 */
export function toContinuationToken(link: string | undefined, registryEndpoint: string): string | undefined {
  if (!link) return undefined;
  const token = sameOriginLink(link, registryEndpoint);
  if (token === undefined) {
    throw clientError(
      KnownContainerRegistryErrorCode.InvalidResponse,
      `Refusing the registry's pagination link to another host (${new URL(link, registryEndpoint).origin}); expected ${new URL(registryEndpoint).origin}`,
    );
  }
  return token;
}

function assertPageSettings(settings: PageSettings, registryEndpoint: string): void {
  const { maxPageSize, continuationToken } = settings;
  if (maxPageSize !== undefined && (!Number.isInteger(maxPageSize) || maxPageSize <= 0)) {
    throw new RangeError(`maxPageSize must be a positive integer, got ${maxPageSize}`);
  }
  if (continuationToken !== undefined) {
    if (typeof continuationToken !== "string" || continuationToken === "") {
      throw new RangeError("continuationToken must be a non-empty string returned by a previous page");
    }
    if (sameOriginLink(continuationToken, registryEndpoint) === undefined) {
      throw new RangeError(`continuationToken must be a link on the registry's own host (${new URL(registryEndpoint).origin}), not on another host`);
    }
  }
}

/**
 * Builds the `PagedAsyncIterableIterator` every listing method returns. Unlike core-paging's
 * generic one, each iteration keeps the links it has followed: a `rel="next"` that leads back to
 * a page already read is a `PaginationLoop` RestError instead of an endless listing. Bad page
 * settings fail the iteration's first `next()`, as any other argument of a listing does.
 */
export function createPagedIterator<T>(registryEndpoint: string, fetchPage: PageFetcher<T>): PagedAsyncIterableIterator<T, Page<T>> {
  async function* pages(settings: PageSettings | undefined): AsyncGenerator<Page<T>> {
    const { maxPageSize, continuationToken } = settings ?? {};
    assertPageSettings({ maxPageSize, continuationToken }, registryEndpoint);
    const followed = new Map<string, number>();
    let link = continuationToken;
    for (let pageNumber = 1; ; pageNumber++) {
      if (link !== undefined) {
        const key = new URL(link, registryEndpoint).href;
        const earlier = followed.get(key);
        if (earlier !== undefined) {
          throw clientError(
            KnownContainerRegistryErrorCode.PaginationLoop,
            `The registry's listing loops: the next link of page ${pageNumber - 1} leads back to page ${earlier}, already read`,
          );
        }
        followed.set(key, pageNumber);
      }
      const raw = await fetchPage(link, maxPageSize);
      const next = toContinuationToken(findNextLink(raw.link), registryEndpoint);
      yield Object.assign([...raw.items], { continuationToken: next });
      if (next === undefined) return;
      link = next;
    }
  }
  async function* items(): AsyncGenerator<T> {
    for await (const page of pages(undefined)) yield* page;
  }
  const all = items();
  return {
    next: () => all.next(),
    [Symbol.asyncIterator]() {
      return this;
    },
    byPage: (settings?: PageSettings) => pages(settings),
  };
}
