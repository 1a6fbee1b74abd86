import { missingAccess, parseScopes, type ScopeEntry } from "../../protocol/scopes.js";
import { anonymous, developer, sameSecret, type Accounts, type Principal } from "./accounts.js";
import { challenge, tokenRefused } from "./challenge.js";
import { TokenSigner, type TokenClaims } from "./jwt.js";

export interface TokenServiceOptions {
  service: string;
  realm: string;
  devToken: string;
  anonymousPull: boolean;
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  /** The admin user and repository-scoped tokens. */
  accounts: Accounts;
}

/** The user `az acr login` writes next to an identity token: a refresh token is its password. */
export const REFRESH_TOKEN_USERNAME = "00000000-0000-0000-0000-000000000000";

/**
 * ACR's token flows: the Entra token (here the dev token) is exchanged for a refresh token at
 * `/oauth2/exchange`, which buys access tokens scoped per request at `/oauth2/token`; usernames and
 * passwords (the admin user, repository-scoped tokens) buy them there too, with Basic credentials
 * (`GET`, as Docker clients ask) or the password grant (`POST`).
 */
export class TokenService {
  private readonly signer = new TokenSigner("acr-emulator");

  constructor(private readonly options: TokenServiceOptions) {}

  /** What the managed identity endpoint hands out in place of an Entra token. */
  get devToken(): string {
    return this.options.devToken;
  }

  /** `POST /oauth2/exchange`: form `grant_type=access_token`, `service`, `access_token`[, `tenant`]. */
  exchange(form: URLSearchParams): { refresh_token: string } {
    if (form.get("grant_type") !== "access_token") throw tokenRefused("unsupported grant_type, expected access_token");
    this.checkService(form.get("service"));
    if (!sameSecret(form.get("access_token") ?? "", this.options.devToken)) {
      throw tokenRefused("the access token is not valid for this registry");
    }
    return { refresh_token: this.refreshToken(form.get("tenant") ?? undefined) };
  }

  /** A refresh token of the developer, as `/oauth2/exchange` issues (and `az acr login` stores as `identitytoken`). */
  refreshToken(tenant?: string): string {
    return this.signer.sign({ aud: this.options.service, sub: developer.subject, grant_type: "refresh_token", tenant }, this.options.refreshTokenLifetimeSeconds);
  }

  /**
   * `POST /oauth2/token`: `grant_type=refresh_token` with `refresh_token` (an identity token too),
   * or `grant_type=password` (anonymous without credentials, a username and password, or the dev
   * token as password); `scope` may repeat or hold several.
   */
  token(form: URLSearchParams): { access_token: string } {
    this.checkService(form.get("service"));
    const grant = form.get("grant_type");
    let principal: Principal;
    if (grant === "refresh_token") {
      principal = this.refreshPrincipal(form.get("refresh_token") ?? "");
    } else if (grant === "password") {
      principal = this.passwordPrincipal(form.get("username") ?? "", form.get("password") ?? "");
    } else {
      throw tokenRefused("unsupported grant_type, expected refresh_token or password");
    }
    return { access_token: this.issue(principal, form.getAll("scope")) };
  }

  /** `GET /oauth2/token?service=&scope=` as Docker clients call it, with optional Basic credentials. */
  tokenForBasic(query: URLSearchParams, authorization: string | undefined): { access_token: string } {
    this.checkService(query.get("service"));
    let username = "";
    let password = "";
    if (authorization?.startsWith("Basic ")) {
      const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      username = colon < 0 ? decoded : decoded.slice(0, colon);
      password = colon < 0 ? "" : decoded.slice(colon + 1);
    }
    // A refresh token is a valid password too (ACR's `docker login` with the null GUID user).
    const principal = this.signer.verify(password, this.options.service)?.grant_type === "refresh_token"
      ? this.refreshPrincipal(password)
      : this.passwordPrincipal(username, password);
    return { access_token: this.issue(principal, query.getAll("scope")) };
  }

  /**
   * Checks a request's `Authorization` and returns what its token grants. Throws ACR's challenge,
   * naming every entry of `required`, when the token is missing or invalid, and the same challenge
   * with `insufficient_scope` when it lacks any of `enforced` (all of `required` unless told).
   */
  authorize(authorization: string | undefined, required: readonly ScopeEntry[], enforced = required): readonly ScopeEntry[] {
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : undefined;
    const claims: TokenClaims | undefined = token ? this.signer.verify(token, this.options.service) : undefined;
    if (!claims || claims.grant_type === "refresh_token") {
      throw challenge(this.options.realm, this.options.service, required, false);
    }
    const granted = claims.access ?? [];
    if (missingAccess(enforced, granted).length > 0) {
      throw challenge(this.options.realm, this.options.service, required, true);
    }
    return granted;
  }

  /** An access token granting what `principal` may do of what `scopes` ask. */
  private issue(principal: Principal, scopes: string[]): string {
    const access = parseScopes(scopes).map((entry) => ({ ...entry, actions: principal.grantable(entry) }));
    return this.signer.sign(
      { aud: this.options.service, sub: principal.subject, access: access.filter((entry) => entry.actions.length > 0) },
      this.options.accessTokenLifetimeSeconds,
    );
  }

  /** Refresh tokens are the developer's (only `/oauth2/exchange` issues them). */
  private refreshPrincipal(refreshToken: string): Principal {
    const claims = this.signer.verify(refreshToken, this.options.service);
    if (claims?.grant_type !== "refresh_token") throw tokenRefused("the refresh token is not valid or has expired");
    return developer;
  }

  /** No password: anonymous (when allowed); the admin user or a repository token; or, whatever the user name, the dev token. */
  private passwordPrincipal(username: string, password: string): Principal {
    if (password === "") {
      if (!this.options.anonymousPull) throw tokenRefused("anonymous pull is not enabled on this registry");
      return anonymous;
    }
    const account = this.options.accounts.signIn(username, password);
    if (account) return account;
    if (!sameSecret(password, this.options.devToken)) throw tokenRefused("invalid username or password");
    return developer;
  }

  private checkService(service: string | null): void {
    if (service !== null && service !== this.options.service) {
      throw tokenRefused(`service "${service}" does not match this registry ("${this.options.service}")`);
    }
  }
}
