import type { Route } from "../http/router.js";
import type { ScopeEntry } from "../../protocol/scopes.js";

const repository = (name: string, ...actions: string[]): ScopeEntry[] => [{ type: "repository", name, actions }];

/**
 * The access a request needs, with ACR's scope names (seen in its challenges): `pull`, `pull,push`
 * and `delete` on `/v2`, `metadata_read` / `metadata_write` / `delete` on `/acr/v1`, and
 * `registry:catalog:*` for catalogs. `undefined` means the endpoint is public.
 */
export function requiredAccess(route: Route, method: string): ScopeEntry[] | undefined {
  switch (route.kind) {
    case "exchange":
    case "token":
    case "identity":
    case "storage":
      return undefined;
    case "base":
      return [];
    case "catalog":
    case "acrCatalog":
      return [{ type: "registry", name: "catalog", actions: ["*"] }];
    case "tags":
    case "referrers":
      return repository(route.name, "pull");
    case "uploads":
    case "upload":
      return repository(route.name, "pull", "push");
    case "manifest":
    case "blob":
      if (method === "DELETE") return repository(route.name, "delete");
      return method === "PUT" ? repository(route.name, "pull", "push") : repository(route.name, "pull");
    case "acrRepository":
    case "acrTags":
    case "acrTag":
    case "acrManifests":
    case "acrManifest":
      if (method === "DELETE") return repository(route.name, "delete");
      return repository(route.name, method === "PATCH" ? "metadata_write" : "metadata_read");
  }
}
