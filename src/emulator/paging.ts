import { paginationInvalid } from "./errors.js";

export interface PageRequest {
  /** Page size; already capped. */
  n: number;
  last?: string;
}

export interface Page<T> {
  items: T[];
  /** Key of the last item, when more items follow. */
  next?: string;
}

/**
 * Reads `n` and `last`. An absent `n` means `defaultSize`; a larger `n` than `maxSize` is capped
 * (the client follows `Link`, as the OCI spec requires of it).
 */
export function pageRequest(query: URLSearchParams, defaultSize: number, maxSize: number): PageRequest {
  const raw = query.get("n");
  let n = defaultSize;
  if (raw !== null && raw !== "") {
    n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw paginationInvalid(`n=${raw} is not a non-negative integer`);
  }
  const last = query.get("last");
  return { n: Math.min(n, maxSize), last: last ? last : undefined };
}

/**
 * One page of `items` (already in listing order) after the item whose key is `last`.
 * In key order the cursor need not exist (distribution semantics); in another order it must.
 */
export function paginate<T>(items: T[], key: (item: T) => string, request: PageRequest, keyOrdered: boolean): Page<T> {
  let start = 0;
  if (request.last !== undefined) {
    const last = request.last;
    start = keyOrdered
      ? items.findIndex((item) => key(item) > last)
      : items.findIndex((item) => key(item) === last) + 1;
    if (start < 0 || (!keyOrdered && start === 0)) start = items.length;
  }
  const slice = items.slice(start, start + request.n);
  const more = start + request.n < items.length && slice.length > 0;
  return { items: slice, next: more ? key(slice[slice.length - 1]!) : undefined };
}

/** `Link: <path?last=..&n=..>; rel="next"`, with the query keys in the order the registry writes them. */
export function linkHeader(path: string, params: Array<[string, string]>): string {
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  return `<${path}?${query}>; rel="next"`;
}
