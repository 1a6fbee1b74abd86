// An in-process stand-in for ACR's authentication, as an HttpClient: enough of the challenge,
// exchange and token endpoints to count requests and check what the client sends. Its metadata API
// knows one repository, `hello` (others are unknown: 404); deletes are answered 202, as ACR does.
import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { classifyPath, decodePath, requiredAccessForRequest } from "../../../src/protocol/acrAccess.js";
import { formatScopes, scopeCovers } from "../../../src/protocol/scopes.js";

export function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** An unsigned JWT with the given claims: the client only reads `exp`. */
export function fakeJwt(claims: Record<string, unknown>): string {
  return `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.signature`;
}

export interface FakeAcrOptions {
  service?: string;
  /** Seconds until issued access tokens expire; undefined = tokens are opaque strings. */
  accessTokenLifetime?: number | undefined;
  refreshTokenLifetime?: number;
  /** Delay before answering token requests, to let concurrent requests pile up. */
  tokenDelayMs?: number;
  allowAnonymous?: boolean;
  /** Anonymous tokens grant reads only (pull, metadata_read, the catalog), as ACR's anonymous pull does. */
  readOnlyAnonymous?: boolean;
  /** Realm advertised in challenges (default: the registry's own `/oauth2/token`, as ACR's); Entra clients must ignore it. */
  realm?: string;
  /** A scope the registry asks for instead of ACR's usual one on some routes (undefined: the usual one). */
  scopeFor?: (method: string, path: string) => string | undefined;
}

interface SentRequest {
  method: string;
  host: string;
  path: string;
  authorization?: string;
  body?: string;
}

/** Scope ACR asks for on a request: the rule the client predicts with (checked against real ACR in test/recordings/acr). */
function requiredScope(method: string, path: string): string {
  return formatScopes(requiredAccessForRequest(method, path) ?? []);
}

/** What a read-only (anonymous pull) token grants of `scope`: its read actions, the catalog. */
function readOnly(scope: string): string {
  if (scope.startsWith("registry:")) return scope;
  const [type, name, actions] = scope.split(":");
  return `${type}:${name}:${actions!.split(",").filter((action) => action === "pull" || action === "metadata_read").join(",")}`;
}

export class FakeAcr implements HttpClient {
  readonly requests: SentRequest[] = [];
  readonly entraTokens: string[] = [];
  private issued = 0;
  /** Access tokens the fake issued, with the scope each grants. */
  private readonly grants = new Map<string, { scope: string; exp?: number }>();
  private readonly refreshTokens = new Set<string>();

  constructor(private readonly options: FakeAcrOptions = {}) {}

  get service(): string {
    return this.options.service ?? "fake.azurecr.io";
  }

  private now(): number {
    return Date.now();
  }

  credential(): TokenCredential & { calls: number } {
    const credential = {
      calls: 0,
      getToken: async (): Promise<AccessToken> => {
        credential.calls++;
        const token = `entra-secret-${this.entraTokens.length}`;
        this.entraTokens.push(token);
        return { token, expiresOnTimestamp: this.now() + 3600_000 };
      },
    };
    return credential;
  }

  /** Forgets every token issued so far, as a registry does when credentials are revoked. */
  revokeTokens({ refreshTokens = false } = {}): void {
    this.grants.clear();
    if (refreshTokens) this.refreshTokens.clear();
  }

  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const url = new URL(request.url);
    const body = typeof request.body === "string" ? request.body : undefined;
    this.requests.push({ method: request.method, host: url.host, path: url.pathname, authorization: request.headers.get("authorization"), body });
    if (url.pathname === "/oauth2/exchange" || url.pathname === "/oauth2/token") {
      if (this.options.tokenDelayMs) await new Promise((r) => setTimeout(r, this.options.tokenDelayMs));
      return this.tokenEndpoint(request, url.pathname, new URLSearchParams(body ?? ""));
    }
    const scope = this.options.scopeFor?.(request.method, url.pathname) ?? requiredScope(request.method, `${url.pathname}${url.search}`);
    const auth = request.headers.get("authorization");
    if (!auth) return this.challenge(request, scope);
    const grant = this.grants.get(auth.replace(/^Bearer /, ""));
    if (!grant || (grant.exp !== undefined && grant.exp * 1000 <= this.now())) return this.challenge(request, scope, "invalid_token");
    if (!scopeCovers(grant.scope, scope)) return this.challenge(request, scope, "insufficient_scope");
    if (request.method === "POST" && url.searchParams.has("mount")) return this.json(request, 201, {});
    const resource = classifyPath(decodePath(url.pathname));
    if (resource.kind === "metadata" && resource.repository !== "hello") {
      return this.json(request, 404, { errors: [{ code: "NAME_UNKNOWN", message: "repository name not known to registry" }] });
    }
    if (request.method === "DELETE") return this.json(request, 202, {});
    return this.json(request, 200, this.metadata(url.pathname));
  }

  /** ACR's answer to a metadata GET or PATCH, in the shape of each route's response model. */
  private metadata(path: string): unknown {
    const times = { createdTime: "2024-01-01T00:00:00Z", lastUpdateTime: "2024-01-01T00:00:00Z" };
    const changeableAttributes = { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true };
    const digest = `sha256:${"a".repeat(64)}`;
    const tag = { name: "v1", digest, ...times, changeableAttributes };
    const manifest = { digest, imageSize: 1, ...times, tags: ["v1"], changeableAttributes };
    const named = { registry: this.service, imageName: "hello" };
    if (path.endsWith("/_catalog")) return { repositories: ["hello"] };
    if (/\/_tags\/[^/]+$/.test(path)) return { ...named, tag };
    if (path.endsWith("/_tags")) return { ...named, tags: [tag] };
    if (/\/_manifests\/[^/]+$/.test(path)) return { ...named, manifest };
    if (path.endsWith("/_manifests")) return { ...named, manifests: [manifest] };
    return { ...named, ...times, manifestCount: 1, tagCount: 1, changeableAttributes };
  }

  private tokenEndpoint(request: PipelineRequest, path: string, form: URLSearchParams): PipelineResponse {
    if (form.get("service") !== this.service) return this.json(request, 400, { errors: [{ code: "INVALID_SERVICE", message: "wrong service" }] });
    if (path === "/oauth2/exchange") {
      if (form.get("grant_type") !== "access_token" || !this.entraTokens.includes(form.get("access_token") ?? "")) {
        return this.json(request, 401, { errors: [{ code: "UNAUTHORIZED", message: "bad Entra token" }] });
      }
      const refresh = fakeJwt({ exp: Math.floor(this.now() / 1000) + (this.options.refreshTokenLifetime ?? 3 * 3600), jti: `refresh-secret-${this.issued++}` });
      this.refreshTokens.add(refresh);
      return this.json(request, 200, { refresh_token: refresh });
    }
    const grantType = form.get("grant_type");
    const anonymous = grantType === "password" && this.options.allowAnonymous;
    if (!anonymous && !(grantType === "refresh_token" && this.refreshTokens.has(form.get("refresh_token") ?? ""))) {
      return this.json(request, 401, { errors: [{ code: "UNAUTHORIZED", message: "bad refresh token" }] });
    }
    const scope = anonymous && this.options.readOnlyAnonymous ? readOnly(form.get("scope")!) : form.get("scope")!;
    const lifetime = this.options.accessTokenLifetime;
    const exp = lifetime === undefined ? undefined : Math.floor(this.now() / 1000) + lifetime;
    const token = exp === undefined ? `opaque-access-secret-${this.issued++}` : fakeJwt({ exp, scope, jti: `access-secret-${this.issued++}` });
    this.grants.set(token, { scope, exp });
    return this.json(request, 200, { access_token: token });
  }

  private challenge(request: PipelineRequest, scope: string, error?: string): PipelineResponse {
    const header = `Bearer realm="${this.options.realm ?? `https://${new URL(request.url).host}/oauth2/token`}",service="${this.service}",scope="${scope}"${error ? `,error="${error}"` : ""}`;
    return this.json(request, 401, { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }, { "WWW-Authenticate": header });
  }

  private json(request: PipelineRequest, status: number, body: unknown, headers: Record<string, string> = {}): PipelineResponse {
    return {
      request,
      status,
      headers: createHttpHeaders({ "Content-Type": "application/json; charset=utf-8", ...headers }),
      bodyAsText: JSON.stringify(body),
    };
  }
}
