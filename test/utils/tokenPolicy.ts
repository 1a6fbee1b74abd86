// Who gets which actions on which resource: the access-control list of the test token server.
import type { ResourceAccess } from "./registryToken.js";

export interface AccessRule {
  /** Who the rule is for: these user names, every authenticated user, or (omitted) anyone, anonymous included. */
  users?: readonly string[] | "authenticated";
  /** The resource type; default `repository` (`registry` for `registry:catalog:*`). */
  type?: string;
  /** The resource name, exactly or by pattern. */
  name: string | RegExp;
  /** Actions the rule allows; `*` allows whatever is asked. */
  actions: readonly string[];
}

function ruleApplies(rule: AccessRule, user: string | undefined, resource: ResourceAccess): boolean {
  if ((rule.type ?? "repository") !== resource.type) return false;
  if (typeof rule.name === "string" ? rule.name !== resource.name : !rule.name.test(resource.name)) return false;
  if (rule.users === undefined) return true;
  if (user === undefined) return false;
  return rule.users === "authenticated" || rule.users.includes(user);
}

/**
 * What `user` (undefined: anonymous) gets of what it asked: per resource, the asked actions the matching
 * rules allow, as the token spec says (never more than asked; resources with nothing granted left out).
 * Scopes naming the same resource are merged.
 */
export function grantedAccess(rules: readonly AccessRule[], user: string | undefined, requested: readonly ResourceAccess[]): ResourceAccess[] {
  const merged = new Map<string, ResourceAccess>();
  for (const resource of requested) {
    const key = `${resource.type}:${resource.name}`;
    const entry = merged.get(key) ?? { type: resource.type, name: resource.name, actions: [] };
    for (const action of resource.actions) if (!entry.actions.includes(action)) entry.actions.push(action);
    merged.set(key, entry);
  }
  const granted: ResourceAccess[] = [];
  for (const resource of merged.values()) {
    const allowed = new Set(rules.filter((rule) => ruleApplies(rule, user, resource)).flatMap((rule) => rule.actions));
    const actions = allowed.has("*") ? resource.actions : resource.actions.filter((action) => allowed.has(action));
    if (actions.length > 0) granted.push({ ...resource, actions });
  }
  return granted;
}
