import { nameInvalid } from "../errors.js";
import { isRepositoryName } from "../../protocol/grammar.js";

export type Route =
  | { kind: "base" | "catalog" | "acrCatalog" | "exchange" | "token" | "identity" }
  | { kind: "tags" | "uploads" | "acrRepository" | "acrTags" | "acrManifests"; name: string }
  | { kind: "manifest" | "blob" | "upload" | "referrers" | "acrTag" | "acrManifest"; name: string; reference: string }
  | { kind: "storage"; reference: string };

export type RouteKind = Route["kind"];

const PATTERNS: Array<[RegExp, RouteKind]> = [
  [/^\/v2\/?$/, "base"],
  [/^\/v2\/_catalog$/, "catalog"],
  [/^\/v2\/(.+)\/tags\/list$/, "tags"],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, "manifest"],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, "uploads"],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, "upload"],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, "blob"],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, "referrers"],
  [/^\/acr\/v1\/_catalog$/, "acrCatalog"],
  [/^\/acr\/v1\/(.+)\/_tags\/([^/]+)$/, "acrTag"],
  [/^\/acr\/v1\/(.+)\/_tags$/, "acrTags"],
  [/^\/acr\/v1\/(.+)\/_manifests\/([^/]+)$/, "acrManifest"],
  [/^\/acr\/v1\/(.+)\/_manifests$/, "acrManifests"],
  [/^\/acr\/v1\/(.+)$/, "acrRepository"],
  [/^\/oauth2\/exchange$/, "exchange"],
  [/^\/oauth2\/token$/, "token"],
  // A managed identity endpoint (App Service protocol) so that DefaultAzureCredential works offline.
  [/^\/_identity\/token$/, "identity"],
  // Where blob downloads are redirected to, shaped like ACR's storage URLs.
  [/^\/_storage\/docker\/registry\/v2\/blobs\/sha256\/[0-9a-f]{2}\/([0-9a-f]{64})\/data$/, "storage"],
];

export const METHODS: Record<RouteKind, readonly string[]> = {
  base: ["GET", "HEAD"],
  catalog: ["GET"],
  tags: ["GET"],
  manifest: ["GET", "HEAD", "PUT", "DELETE"],
  uploads: ["POST"],
  upload: ["GET", "PATCH", "PUT", "DELETE"],
  blob: ["GET", "HEAD", "DELETE"],
  referrers: ["GET"],
  acrCatalog: ["GET"],
  acrRepository: ["GET", "PATCH", "DELETE"],
  acrTags: ["GET"],
  acrTag: ["GET", "PATCH", "DELETE"],
  acrManifests: ["GET"],
  acrManifest: ["GET", "PATCH"],
  exchange: ["POST"],
  token: ["GET", "POST"],
  identity: ["GET"],
  storage: ["GET", "HEAD"],
};

/**
 * Matches a request path. Repository names may contain `/` and arrive escaped
 * (`library%2Fhello-world`) or not, so matching happens on the decoded path.
 */
export function route(rawPath: string): Route | undefined {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  for (const [pattern, kind] of PATTERNS) {
    const match = pattern.exec(path);
    if (!match) continue;
    const [, first, second] = match;
    if (kind === "storage") return { kind, reference: `sha256:${first!}` };
    if (first === undefined) return { kind } as Route;
    if (!isRepositoryName(first)) throw nameInvalid(first);
    return (second === undefined ? { kind, name: first } : { kind, name: first, reference: second }) as Route;
  }
  return undefined;
}
