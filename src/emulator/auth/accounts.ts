// Who may sign in to the emulator with a username and password, and what each may do: ACR's admin
// user, its repository-scoped tokens, the developer (the dev token), and anonymous callers.
import { timingSafeEqual } from "node:crypto";
import { missingAccess, parseScopes, type ScopeEntry } from "../../protocol/scopes.js";

/** ACR's admin user: one username and password with every permission (`az acr update --admin-enabled`). */
export interface AdminUser {
  /** The admin user's name (on ACR, the registry's name). */
  username: string;
  /** Its password. */
  password: string;
}

/**
 * An ACR repository-scoped token (`az acr token create`): a username and password limited to the
 * actions of its scope map, written as scopes (`repository:team/app:pull,push,metadata_read`).
 */
export interface RepositoryToken {
  /** The token's name, its username. */
  username: string;
  /** Its password. */
  password: string;
  /** What it may do, as scopes: `repository:<name>:<actions>` (actions `pull`, `push`, `delete`, `metadata_read`, `metadata_write`). */
  access: string[];
}

/** A signed-in caller: who, and which of the actions asked for it gets. */
export interface Principal {
  subject: string;
  grantable(entry: ScopeEntry): string[];
}

export const DEV_SUBJECT = "emulator-developer";
export const ANONYMOUS_SUBJECT = "anonymous";

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const everything = (entry: ScopeEntry): string[] => entry.actions;

/** The developer may do anything. */
export const developer: Principal = { subject: DEV_SUBJECT, grantable: everything };

/** What ACR allows anonymous callers of a registry with anonymous pull: pull, read metadata, list the catalog. */
export const anonymous: Principal = {
  subject: ANONYMOUS_SUBJECT,
  grantable(entry) {
    if (entry.type === "registry" && entry.name === "catalog") return entry.actions.filter((a) => a === "*");
    return entry.type === "repository" ? entry.actions.filter((a) => a === "pull" || a === "metadata_read") : [];
  },
};

export class Accounts {
  constructor(
    private readonly admin: AdminUser | undefined,
    private readonly repositoryTokens: readonly RepositoryToken[],
  ) {}

  /** The admin user or repository token with this username and password; undefined for anything else. */
  signIn(username: string, password: string): Principal | undefined {
    if (this.admin && username === this.admin.username && sameSecret(password, this.admin.password)) {
      return { subject: username, grantable: everything };
    }
    const token = this.repositoryTokens.find((candidate) => candidate.username === username);
    if (!token || !sameSecret(password, token.password)) return undefined;
    const allowed = parseScopes(token.access);
    return {
      subject: username,
      // Of the actions asked, those its scope map lists for that resource.
      grantable: (entry) => entry.actions.filter((action) => missingAccess([{ ...entry, actions: [action] }], allowed).length === 0),
    };
  }
}

/** Checks the options' accounts: non-empty strings, unique usernames, well-formed scopes. */
export function checkedAccounts(admin: AdminUser | undefined, tokens: readonly RepositoryToken[] | undefined): Accounts {
  const accounts = [...(admin ? [admin] : []), ...(tokens ?? [])];
  for (const account of accounts) {
    if (typeof account?.username !== "string" || account.username === "" || typeof account.password !== "string" || account.password === "") {
      throw new TypeError("adminUser and repositoryTokens need a non-empty username and password");
    }
  }
  if (new Set(accounts.map((account) => account.username)).size !== accounts.length) throw new RangeError("usernames of adminUser and repositoryTokens must be unique");
  for (const token of tokens ?? []) {
    const wellFormed = (scope: unknown): boolean =>
      typeof scope === "string" && scope.trim() !== "" && parseScopes(scope).length === scope.split(" ").filter(Boolean).length;
    if (!Array.isArray(token.access) || token.access.length === 0 || !token.access.every(wellFormed)) {
      throw new RangeError(`repositoryTokens "${token.username}": access must list scopes such as repository:team/app:pull,push`);
    }
  }
  return new Accounts(admin, tokens ?? []);
}
