/**
 * Registry token scopes (`<type>:<name>:<actions>`, e.g. `repository:library/hello:pull,push`)
 * and the scope a request needs.
 */
export interface ResourceScope {
  type: string;
  name: string;
  actions: Set<string>;
}

/** Parses a space-separated scope string; entries that are not `type:name:actions` are dropped. */
export function parseScopes(scope: string): ResourceScope[] {
  return scope
    .split(" ")
    .filter(Boolean)
    .flatMap((entry) => {
      // Names may contain colons (registry:host:port/name is not used by ACR, but be safe):
      // the type is before the first colon, the actions after the last.
      const first = entry.indexOf(":");
      const last = entry.lastIndexOf(":");
      if (first <= 0 || last === first) return [];
      return [{ type: entry.slice(0, first), name: entry.slice(first + 1, last), actions: new Set(entry.slice(last + 1).split(",")) }];
    });
}

/** True when every resource and action of `needed` is granted by `granted` (`*` grants every action). */
export function scopeCovers(granted: string, needed: string): boolean {
  const grants = parseScopes(granted);
  const needs = parseScopes(needed);
  return (
    needs.length > 0 &&
    needs.every((need) =>
      [...need.actions].every((action) =>
        grants.some((g) => g.type === need.type && g.name === need.name && (g.actions.has(action) || g.actions.has("*"))),
      ),
    )
  );
}

/** How the authentication policy recognises requests that need the same token. */
export interface RequestScope {
  /** Requests with the same key were challenged for the same scope so far. */
  key: string;
  /** The scope ACR asks for on such requests, when the route is one the client knows. */
  predicted?: string;
}

const V2_RESOURCE = /^\/v2\/(.+?)\/(blobs|manifests|tags|referrers)(\/.*)?$/;
const ACR_RESOURCE = /^\/acr\/v1\/(.+?)(\/_tags(?:\/.*)?|\/_manifests(?:\/.*)?)?$/;

/**
 * Classifies a request by the resource it touches and what it does to it, as ACR scopes do:
 * `/v2` reads need `pull`, writes `pull,push`, deletes `delete`; `/acr/v1` reads need
 * `metadata_read`, updates `metadata_write`, deletes `delete`; catalogs `registry:catalog:*`.
 */
export function classifyRequest(method: string, url: string): RequestScope | undefined {
  const path = decodePath(new URL(url).pathname);
  const verb = method.toUpperCase();
  if (path === "/v2/_catalog" || path === "/acr/v1/_catalog") {
    return { key: "registry:catalog", predicted: "registry:catalog:*" };
  }
  const v2 = V2_RESOURCE.exec(path);
  if (v2) {
    const name = v2[1]!;
    const access = verb === "GET" || verb === "HEAD" ? "pull" : verb === "DELETE" ? "delete" : "pull,push";
    return { key: `v2 ${name} ${access}`, predicted: `repository:${name}:${access}` };
  }
  const acr = ACR_RESOURCE.exec(path);
  if (acr) {
    const name = acr[1]!;
    const access = verb === "GET" || verb === "HEAD" ? "metadata_read" : verb === "DELETE" ? "delete" : "metadata_write";
    return { key: `acr ${name} ${access}`, predicted: `repository:${name}:${access}` };
  }
  if (path.startsWith("/oauth2/")) return undefined;
  return { key: `${verb} ${path}` };
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
