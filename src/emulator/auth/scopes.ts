import type { AccessEntry } from "./jwt.js";

/**
 * Parses `type:name:actions` scopes, space separated (`repository:a/b:pull,push registry:catalog:*`).
 * Names may contain `:` only in theory, so type is before the first colon and actions after the last.
 */
export function parseScopes(scopes: string[]): AccessEntry[] {
  const entries: AccessEntry[] = [];
  for (const scope of scopes.flatMap((value) => value.split(" ")).filter(Boolean)) {
    const first = scope.indexOf(":");
    const last = scope.lastIndexOf(":");
    if (first <= 0 || last <= first) continue;
    // `repository(plugin):name:pull` names a resource class, which grants nothing extra.
    const type = scope.slice(0, first).replace(/\(.*\)$/, "");
    const actions = scope.slice(last + 1).split(",").filter(Boolean);
    entries.push({ type, name: scope.slice(first + 1, last), actions });
  }
  return entries;
}

export function formatScopes(entries: AccessEntry[]): string {
  return entries.map((entry) => `${entry.type}:${entry.name}:${entry.actions.join(",")}`).join(" ");
}

/** The required entries, each reduced to the actions `granted` lacks; empty when all are granted. */
export function missingAccess(required: AccessEntry[], granted: AccessEntry[]): AccessEntry[] {
  return required
    .map((need) => {
      const have = granted
        .filter((entry) => entry.type === need.type && entry.name === need.name)
        .flatMap((entry) => entry.actions);
      return { ...need, actions: need.actions.filter((action) => !have.includes(action) && !have.includes("*")) };
    })
    .filter((entry) => entry.actions.length > 0);
}
