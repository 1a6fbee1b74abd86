import { RegistryError } from "../errors.js";
import { formatScopes, type ScopeEntry } from "../../protocol/scopes.js";

const MESSAGE = "authentication required, visit https://aka.ms/acr/authorization for more information.";

/**
 * ACR's 401: `Bearer realm="...",service="...",scope="..."` (plus `error="insufficient_scope"` when a
 * valid token lacks access) and an UNAUTHORIZED body listing each needed action.
 */
export function challenge(realm: string, service: string, required: readonly ScopeEntry[], insufficient: boolean): RegistryError {
  let header = `Bearer realm="${realm}",service="${service}"`;
  if (required.length > 0) header += `,scope="${formatScopes(required)}"`;
  if (insufficient) header += `,error="insufficient_scope"`;
  const detail = required.length
    ? required.flatMap((entry) => entry.actions.map((action) => ({ Type: entry.type, Name: entry.name, Action: action })))
    : null;
  return new RegistryError(401, "UNAUTHORIZED", MESSAGE, detail, { "WWW-Authenticate": header });
}

/** A refused `/oauth2/*` request: ACR answers 401 UNAUTHORIZED with a reason. */
export function tokenRefused(reason: string): RegistryError {
  return new RegistryError(401, "UNAUTHORIZED", reason);
}
