import { classifyPath, decodePath, requiredAccess } from "../protocol/acrAccess.js";
import { formatScopes } from "../protocol/scopes.js";

/** How the authentication policy recognises requests that need the same token. */
export interface RequestScope {
  /** Requests with the same key were challenged for the same scope so far. */
  key: string;
  /** The scope ACR asks for on such requests, when the route is one the client knows. */
  predicted?: string;
}

/**
 * Classifies a request by the access it needs, with ACR's rule (protocol/acrAccess.ts). Undefined
 * for the `/oauth2` endpoints, which take no registry token.
 */
export function classifyRequest(method: string, url: string): RequestScope | undefined {
  const parsed = new URL(url);
  const path = decodePath(parsed.pathname);
  if (path.startsWith("/oauth2/")) return undefined;
  const resource = classifyPath(path);
  const access = resource.kind === "base" ? undefined : requiredAccess(resource, method, parsed.searchParams);
  if (!access) return { key: `${method.toUpperCase()} ${path}` };
  const predicted = formatScopes(access);
  return { key: predicted, predicted };
}
