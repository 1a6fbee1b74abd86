import type { ScopeEntry } from "./scopes.js";

// ACR's rule "which scope does this request need", as its challenges name it (checked against
// recorded real ACR traffic in test/recordings/acr). The client predicts its tokens with it; the
// emulator enforces it.

/** What a registry path addresses, as far as access is concerned. */
export type RegistryResource =
  /** `/v2/`: any valid token (ACR challenges it without a scope). */
  | { kind: "base" }
  /** `/v2/_catalog` and `/acr/v1/_catalog`. */
  | { kind: "catalog" }
  /** A repository's content under `/v2/<name>/...`; `uploads` for upload sessions. */
  | { kind: "content"; repository: string; uploads: boolean }
  /** A repository's metadata under `/acr/v1/<name>...`. */
  | { kind: "metadata"; repository: string }
  /** `/oauth2/*` and anything else that needs no registry token. */
  | { kind: "public" };

/** `registry:catalog:*`: what both catalogs need. */
export const CATALOG_ACCESS: readonly ScopeEntry[] = [{ type: "registry", name: "catalog", actions: ["*"] }];

function repository(name: string, ...actions: string[]): ScopeEntry {
  return { type: "repository", name, actions };
}

/** Actions on `/v2` content: reads `pull`, deletes `delete`, writes (uploads, manifest PUT) `pull,push`. */
export function contentActions(method: string): string[] {
  const verb = method.toUpperCase();
  if (verb === "GET" || verb === "HEAD") return ["pull"];
  return verb === "DELETE" ? ["delete"] : ["pull", "push"];
}

/** Actions on `/acr/v1` metadata: reads `metadata_read`, deletes `delete`, updates `metadata_write`. */
export function metadataActions(method: string): string[] {
  const verb = method.toUpperCase();
  if (verb === "GET" || verb === "HEAD") return ["metadata_read"];
  return verb === "DELETE" ? ["delete"] : ["metadata_write"];
}

/**
 * The access a request on `resource` needs. A cross-repository mount (`POST .../blobs/uploads/?mount=&from=`)
 * needs pull on the source too, in the same challenge: `repository:<target>:pull,push repository:<source>:pull`.
 * Undefined for public endpoints.
 */
export function requiredAccess(resource: RegistryResource, method: string, query?: URLSearchParams): ScopeEntry[] | undefined {
  switch (resource.kind) {
    case "public":
      return undefined;
    case "base":
      return [];
    case "catalog":
      return CATALOG_ACCESS.map((entry) => ({ ...entry, actions: [...entry.actions] }));
    case "metadata":
      return [repository(resource.repository, ...metadataActions(method))];
    case "content": {
      const entries = [repository(resource.repository, ...(resource.uploads ? ["pull", "push"] : contentActions(method)))];
      const from = resource.uploads && method.toUpperCase() === "POST" && query?.get("mount") ? query.get("from") : null;
      if (from && from !== resource.repository) entries.push(repository(from, "pull"));
      return entries;
    }
  }
}

const CONTENT_PATH = /^\/v2\/(.+?)\/(blobs\/uploads(?:\/.*)?|blobs\/[^/]+|manifests\/[^/]+|tags\/list|referrers\/[^/]+)$/;
const METADATA_PATH = /^\/acr\/v1\/(.+?)(\/_tags(?:\/[^/]+)?|\/_manifests(?:\/[^/]+)?)?$/;

/**
 * Classifies a decoded request path. Repository names may contain `/`, so the resource suffix
 * (`/blobs/...`, `/manifests/<ref>`, `/_tags`...) decides where the name ends.
 */
export function classifyPath(path: string): RegistryResource {
  if (path === "/v2" || path === "/v2/") return { kind: "base" };
  if (path === "/v2/_catalog" || path === "/acr/v1/_catalog") return { kind: "catalog" };
  const content = CONTENT_PATH.exec(path);
  if (content) return { kind: "content", repository: content[1]!, uploads: content[2]!.startsWith("blobs/uploads") };
  const metadata = METADATA_PATH.exec(path);
  if (metadata) return { kind: "metadata", repository: metadata[1]! };
  return { kind: "public" };
}

/** The access ACR requires for a request to `url` (absolute, or a path with its query). */
export function requiredAccessForRequest(method: string, url: string): ScopeEntry[] | undefined {
  const parsed = new URL(url, "http://registry.invalid");
  return requiredAccess(classifyPath(decodePath(parsed.pathname)), method, parsed.searchParams);
}

/** Decodes `%2F` and friends in a path (repository names arrive escaped or not); a malformed escape is kept as is. */
export function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
