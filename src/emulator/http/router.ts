import { decodePath, requiredAccess } from "../../protocol/acrAccess.js";
import { isRepositoryName } from "../../protocol/grammar.js";
import type { ScopeEntry } from "../../protocol/scopes.js";
import { nameInvalid } from "../errors.js";
import type { RouteParams } from "./context.js";
import { ROUTES, type Route } from "./routes.js";

export interface RouteMatch {
  route: Route;
  params: RouteParams;
}

/**
 * The route of a request path. Repository names may contain `/` and arrive escaped
 * (`library%2Fhello-world`) or not, so matching happens on the decoded path; an invalid name is
 * NAME_INVALID.
 */
export function matchRoute(rawPath: string): RouteMatch | undefined {
  const path = decodePath(rawPath);
  for (const route of ROUTES) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    const { name, reference = "" } = found.groups ?? {};
    if (name !== undefined && !isRepositoryName(name)) throw nameInvalid(name);
    return { route, params: { name: name ?? "", reference } };
  }
  return undefined;
}

/**
 * The access a request on `match` needs, by ACR's rule (protocol/acrAccess.ts); undefined for public
 * endpoints. Every repository it names must be valid, a mount's source (`from=`) included.
 */
export function accessFor(match: RouteMatch, method: string, query: URLSearchParams): ScopeEntry[] | undefined {
  const required = requiredAccess(match.route.resource(match.params), method, query);
  const invalid = required?.find((entry) => entry.type === "repository" && !isRepositoryName(entry.name));
  if (invalid) throw nameInvalid(invalid.name);
  return required;
}
