// An in-process stand-in for a registry with distribution token auth and its token server on another host,
// as an HttpClient: enough to count requests, see what the client sends where, and misbehave on demand.
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { formatScopes, parseScopes, scopeCovers } from "../../../src/protocol/scopes.js";
import { requiredAccessForRequest } from "../../../src/protocol/acrAccess.js";

export const REGISTRY = "https://registry.example";
export const REALM = "https://auth.example/token";
export const SERVICE = "registry.example";

export interface FakeDistributionOptions {
  /** Username → password the token server accepts on GET. */
  users?: Record<string, string>;
  /** Refresh tokens the token server accepts on POST. */
  refreshTokens?: string[];
  /** Replaces the token server's answer (status and body) for every token request; `issued` is granted when it is a 200. */
  tokenAnswer?: (issued: string) => { status: number; body: unknown; headers?: Record<string, string> };
}

export interface SeenRequest {
  method: string;
  url: URL;
  authorization?: string;
  body?: string;
}

export class FakeDistribution implements HttpClient {
  readonly requests: SeenRequest[] = [];
  private readonly grants = new Map<string, string>();
  private issued = 0;

  constructor(private readonly options: FakeDistributionOptions = {}) {}

  tokenRequests(): SeenRequest[] {
    return this.requests.filter((r) => r.url.origin === new URL(REALM).origin);
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const url = new URL(request.url);
    const body = typeof request.body === "string" ? request.body : undefined;
    this.requests.push({ method: request.method, url, authorization: request.headers.get("authorization"), body });
    if (url.origin === new URL(REALM).origin) return this.token(request, url, body);
    if (url.origin !== REGISTRY) return this.answer(request, 404, { errors: [{ code: "NOT_FOUND", message: "no such host here" }] });
    const scope = formatScopes(requiredAccessForRequest(request.method, `${url.pathname}${url.search}`) ?? []);
    const granted = this.grants.get(request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "");
    if (granted === undefined || !scopeCovers(granted, scope)) {
      const error = granted === undefined ? "" : ',error="insufficient_scope"';
      return this.answer(request, 401, { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }, {
        "WWW-Authenticate": `Bearer realm="${REALM}",service="${SERVICE}",scope="${scope}"${error}`,
      });
    }
    if (request.method === "HEAD") return this.answer(request, 200, undefined, { "Docker-Content-Digest": url.pathname.split("/").at(-1)!, "Content-Length": "3" });
    if (url.searchParams.has("mount")) return this.answer(request, 201, undefined, { Location: `${url.pathname.replace(/uploads\/$/, "")}${url.searchParams.get("mount")}` });
    return this.answer(request, 200, { tags: ["v1"], name: "app" });
  }

  private token(request: PipelineRequest, url: URL, body: string | undefined): PipelineResponse {
    const form = new URLSearchParams(body ?? "");
    const scopes = request.method === "POST" ? (form.get("scope") ?? "").split(" ") : url.searchParams.getAll("scope");
    const token = `access-secret-${this.issued++}`;
    const answer = this.options.tokenAnswer?.(token);
    if (answer) {
      // A replaced answer that hands out `token` grants what was asked.
      if (answer.status === 200) this.grants.set(token, formatScopes(parseScopes(scopes)));
      return this.answer(request, answer.status, answer.body, answer.headers);
    }
    const authorized =
      request.method === "POST"
        ? form.get("grant_type") === "refresh_token" && (this.options.refreshTokens ?? []).includes(form.get("refresh_token") ?? "")
        : this.basicAccepted(request.headers.get("authorization"));
    if (!authorized) return this.answer(request, 401, { errors: [{ code: "UNAUTHORIZED", message: "invalid credentials" }] });
    this.grants.set(token, formatScopes(parseScopes(scopes)));
    return this.answer(request, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
  }

  /** Anonymous GETs are accepted; Basic credentials must be right. */
  private basicAccepted(authorization: string | undefined): boolean {
    if (!authorization) return true;
    const [user, ...rest] = Buffer.from(authorization.replace(/^Basic /, ""), "base64").toString("utf8").split(":");
    return this.options.users?.[user!] === rest.join(":");
  }

  private answer(request: PipelineRequest, status: number, body: unknown, headers: Record<string, string> = {}): PipelineResponse {
    const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return { request, status, headers: createHttpHeaders({ "Content-Type": "application/json", ...headers }), bodyAsText: text };
  }
}
