import { timingSafeEqual } from "node:crypto";
import { missingAccess, parseScopes, type ScopeEntry } from "../../protocol/scopes.js";
import { challenge, tokenRefused } from "./challenge.js";
import { TokenSigner, type TokenClaims } from "./jwt.js";

export interface TokenServiceOptions {
  service: string;
  realm: string;
  devToken: string;
  anonymousPull: boolean;
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
}

const DEV_SUBJECT = "emulator-developer";
const ANONYMOUS_SUBJECT = "anonymous";

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * ACR's token flow: the Entra token (here the dev token) is exchanged for a refresh token at
 * `/oauth2/exchange`, which buys access tokens scoped per request at `/oauth2/token`.
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
    const tenant = form.get("tenant") ?? undefined;
    return {
      refresh_token: this.signer.sign(
        { aud: this.options.service, sub: DEV_SUBJECT, grant_type: "refresh_token", tenant },
        this.options.refreshTokenLifetimeSeconds,
      ),
    };
  }

  /**
   * `POST /oauth2/token`: `grant_type=refresh_token` with `refresh_token`, or `grant_type=password`
   * (anonymous without credentials, or the dev token as password); `scope` may repeat or hold several.
   */
  token(form: URLSearchParams): { access_token: string } {
    this.checkService(form.get("service"));
    const grant = form.get("grant_type");
    let subject: string;
    if (grant === "refresh_token") {
      subject = this.refreshSubject(form.get("refresh_token") ?? "");
    } else if (grant === "password") {
      subject = this.passwordSubject(form.get("password") ?? "");
    } else {
      throw tokenRefused("unsupported grant_type, expected refresh_token or password");
    }
    return { access_token: this.issue(subject, form.getAll("scope")) };
  }

  /** `GET /oauth2/token?service=&scope=` as Docker clients call it, with optional Basic credentials. */
  tokenForBasic(query: URLSearchParams, authorization: string | undefined): { access_token: string } {
    this.checkService(query.get("service"));
    let password = "";
    if (authorization?.startsWith("Basic ")) {
      const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
      password = decoded.slice(decoded.indexOf(":") + 1);
    }
    // A refresh token is a valid password too (ACR's `docker login` with the null GUID user).
    const subject = this.signer.verify(password, this.options.service)?.grant_type === "refresh_token"
      ? DEV_SUBJECT
      : this.passwordSubject(password);
    return { access_token: this.issue(subject, query.getAll("scope")) };
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

  private issue(subject: string, scopes: string[]): string {
    const access = parseScopes(scopes).map((entry) => ({ ...entry, actions: this.grantable(subject, entry) }));
    return this.signer.sign(
      { aud: this.options.service, sub: subject, access: access.filter((entry) => entry.actions.length > 0) },
      this.options.accessTokenLifetimeSeconds,
    );
  }

  /**
   * The developer may do anything. An anonymous caller (a registry with anonymous pull) may do what
   * ACR allows then: pull, read metadata (tags, manifests, properties) and list the catalog.
   */
  private grantable(subject: string, entry: ScopeEntry): string[] {
    if (subject === DEV_SUBJECT) return entry.actions;
    if (entry.type === "registry" && entry.name === "catalog") return entry.actions.filter((a) => a === "*");
    return entry.type === "repository" ? entry.actions.filter((a) => a === "pull" || a === "metadata_read") : [];
  }

  private refreshSubject(refreshToken: string): string {
    const claims = this.signer.verify(refreshToken, this.options.service);
    if (claims?.grant_type !== "refresh_token") throw tokenRefused("the refresh token is not valid or has expired");
    return claims.sub;
  }

  private passwordSubject(password: string): string {
    if (password === "") {
      if (!this.options.anonymousPull) throw tokenRefused("anonymous pull is not enabled on this registry");
      return ANONYMOUS_SUBJECT;
    }
    if (!sameSecret(password, this.options.devToken)) throw tokenRefused("invalid username or password");
    return DEV_SUBJECT;
  }

  private checkService(service: string | null): void {
    if (service !== null && service !== this.options.service) {
      throw tokenRefused(`service "${service}" does not match this registry ("${this.options.service}")`);
    }
  }
}
