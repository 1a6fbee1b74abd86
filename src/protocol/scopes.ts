/**
 * Registry token scopes, as the distribution token spec and ACR write them:
 * `<type>:<name>:<actions>`, several separated by spaces (`repository:a/b:pull,push registry:catalog:*`).
 */
export interface ScopeEntry {
  /** `repository`, `registry`... A resource class suffix (`repository(plugin)`) is dropped: it grants nothing extra. */
  type: string;
  /** The resource, e.g. `library/hello-world`, or `catalog` for the registry catalog. */
  name: string;
  /** `pull`, `push`, `delete`, `metadata_read`, `metadata_write`, or `*` for all. */
  actions: string[];
}

/**
 * Parses scopes from one string or several (a challenge may repeat `scope`, a token request may
 * list several); entries that are not `type:name:actions` are dropped. Names may contain `:` in
 * theory, so the type is what precedes the first colon and the actions what follows the last.
 */
export function parseScopes(scopes: string | readonly string[]): ScopeEntry[] {
  const entries: ScopeEntry[] = [];
  for (const scope of (typeof scopes === "string" ? [scopes] : scopes).flatMap((value) => value.split(" ")).filter(Boolean)) {
    const first = scope.indexOf(":");
    const last = scope.lastIndexOf(":");
    if (first <= 0 || last <= first) continue;
    const actions = scope.slice(last + 1).split(",").filter(Boolean);
    if (actions.length === 0) continue;
    entries.push({ type: scope.slice(0, first).replace(/\(.*\)$/, ""), name: scope.slice(first + 1, last), actions });
  }
  return entries;
}

/** Writes entries back in the wire form, space separated. */
export function formatScopes(entries: readonly ScopeEntry[]): string {
  return entries.map((entry) => `${entry.type}:${entry.name}:${entry.actions.join(",")}`).join(" ");
}

/** The required entries, each reduced to the actions `granted` lacks (`*` grants every action); empty when all are granted. */
export function missingAccess(required: readonly ScopeEntry[], granted: readonly ScopeEntry[]): ScopeEntry[] {
  return required
    .map((need) => {
      const have = granted.filter((entry) => entry.type === need.type && entry.name === need.name).flatMap((entry) => entry.actions);
      return { ...need, actions: need.actions.filter((action) => !have.includes(action) && !have.includes("*")) };
    })
    .filter((entry) => entry.actions.length > 0);
}

/** True when `granted` (a scope string) grants every resource and action `needed` names; false when nothing is needed. */
export function scopeCovers(granted: string, needed: string): boolean {
  const needs = parseScopes(needed);
  return needs.length > 0 && missingAccess(needs, parseScopes(granted)).length === 0;
}
