// A distribution token server (Docker/CNCF token auth, with its OAuth2 POST variant) on an ephemeral loopback
// port. Pass it as `tokenAuth` to startDistributionRegistry: the registry then verifies every token it issues.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { selfSignedCertificate } from "./certificates.js";
import { tlsCertificate, type TokenAuthSettings } from "./registry.js";
import { formatScope, parseScope, signToken, tokenClaims, type KeyIdentification, type ResourceAccess, type TokenClaims } from "./registryToken.js";
import { grantedAccess, type AccessRule } from "./tokenPolicy.js";

const TOKEN_PATH = "/token";
const MAX_FORM_BYTES = 64 * 1024;
const REDACTED = "<redacted>";

export interface TokenPolicy {
  /** User name → password (Basic credentials on GET, `grant_type=password` on POST). */
  users: Record<string, string>;
  /** What each user gets; nothing is granted that no rule allows. */
  rules: AccessRule[];
  /** `expires_in` and the token's `exp - iat`; default 300. */
  lifetimeSeconds: number;
  /** How the JWT header names the signing key; default `x5c`. */
  keyIdentification: KeyIdentification;
}

/** Misbehaviour on demand; change the fields between requests. */
export interface TokenServerFaults {
  /** Answer every request with this status (and a `DENIED` error body) until cleared. */
  rejectWith?: number;
  /** Leave this field out of successful answers (`"token"`: `access_token` only). */
  omitField?: "token" | "access_token";
  /** Leave `expires_in` and `issued_at` out (clients must then assume 60 s). */
  omitExpiry?: boolean;
  /** Answer POST with 404, as token servers without OAuth2 do (clients fall back to GET). */
  postNotFound?: boolean;
  /** Sign with a certificate outside the root bundle: the registry refuses these tokens. */
  untrustedSigner?: boolean;
  /** Claims that override the issued ones (e.g. `{ iss: "other" }`, `{ exp: 0 }`): the registry refuses them. */
  claims?: Partial<TokenClaims>;
}

export interface TokenServerOptions extends Partial<TokenPolicy> {
  /** Serve https with the registries' self-signed certificate (tlsCertificate()). */
  tls?: boolean;
  /** The registry's service name; default `test-registry`. */
  service?: string;
  /** The `iss` of every token; default `test-token-issuer`. */
  issuer?: string;
}

/** One request as the server saw it. Passwords and refresh tokens are never recorded. */
export interface TokenRequestRecord {
  method: string;
  path: string;
  /** Query parameters, each with all its values in order (`scope` may repeat). */
  query: Record<string, string[]>;
  /** POST form fields, `password` and `refresh_token` values replaced by `<redacted>`. */
  form?: Record<string, string[]>;
  /** Whether an `Authorization: Basic` header came, and the user name in it (right or wrong password). */
  basic: boolean;
  basicUser?: string;
  /** The subject the request authenticated as; undefined for anonymous or refused requests. */
  user?: string;
  /** The scopes asked for (repeated parameters and space-separated lists, flattened). */
  scopes: string[];
  /** Set once answered. */
  status?: number;
  /** What the issued token grants (absent when no token was issued). */
  granted?: ResourceAccess[];
  refreshTokenIssued: boolean;
}

export interface RunningTokenServer extends TokenAuthSettings {
  /** `http(s)://127.0.0.1:PORT`; `realm` is `<endpoint>/token`. */
  endpoint: string;
  port: number;
  /** PEM to trust for the https endpoint (with `tls`). */
  caCert?: string;
  caCertPath?: string;
  /** PEM of the token-signing certificate (the single entry of `rootCertBundlePath`). */
  signingCertificate: string;
  /** The live policy: change it between requests. */
  policy: TokenPolicy;
  faults: TokenServerFaults;
  /** Every request so far, in arrival order. */
  requests: TokenRequestRecord[];
  /** Answers the next `count` requests with `status` (default 500), then behaves again. */
  failNext(count?: number, status?: number): void;
  /** A token as the server would issue it (faults included) for `user` (undefined: anonymous). */
  issueToken(user: string | undefined, access: ResourceAccess[], service?: string): string;
  /** A refresh token (Docker's `identitytoken`) for `user`, as a login with `access_type=offline` returns. */
  issueRefreshToken(user: string): string;
  /** Makes a refresh token unusable; returns whether it was live. */
  revokeRefreshToken(refreshToken: string): boolean;
  stop(): Promise<void>;
}

/** Every parameter with all its values in order. */
function multiMap(params: URLSearchParams): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const [name, value] of params) (map[name] ??= []).push(value);
  return map;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** User and password of an `Authorization: Basic` header (the password may hold colons). */
function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? { user: decoded, password: "" } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** An answer other than a token: thrown by the request handling, sent as JSON. */
class Refusal extends Error {
  constructor(readonly status: number, readonly body: object) {
    super(`${status}`);
  }
}

const oauthError = (status: number, error: string, description: string): Refusal =>
  new Refusal(status, { error, error_description: description });
const registryError = (status: number, code: string, message: string): Refusal =>
  new Refusal(status, { errors: [{ code, message }] });

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  let text = "";
  for await (const chunk of request) {
    text += (chunk as Buffer).toString("utf8");
    if (text.length > MAX_FORM_BYTES) throw registryError(413, "TOO_LARGE", "form too large");
  }
  return new URLSearchParams(text);
}

/** Starts a token server on 127.0.0.1 (http, or https with `tls`); resolves once it listens. */
export async function startTokenServer(options: TokenServerOptions = {}): Promise<RunningTokenServer> {
  const service = options.service ?? "test-registry";
  const issuer = options.issuer ?? "test-token-issuer";
  const signer = selfSignedCertificate("token-signing", issuer);
  const untrusted = selfSignedCertificate("token-untrusted", "untrusted-token-issuer");
  const policy: TokenPolicy = {
    users: options.users ?? {},
    rules: options.rules ?? [],
    lifetimeSeconds: options.lifetimeSeconds ?? 300,
    keyIdentification: options.keyIdentification ?? "x5c",
  };
  const faults: TokenServerFaults = {};
  const requests: TokenRequestRecord[] = [];
  const refreshTokens = new Map<string, string>();
  let failures = { count: 0, status: 500 };

  const issueToken = (user: string | undefined, access: ResourceAccess[], aud = service): string => {
    const claims = { ...tokenClaims({ iss: issuer, aud, sub: user ?? "", access }, policy.lifetimeSeconds), ...faults.claims };
    return signToken(claims, faults.untrustedSigner ? untrusted : signer, policy.keyIdentification);
  };
  const issueRefreshToken = (user: string): string => {
    const refreshToken = randomBytes(32).toString("base64url");
    refreshTokens.set(refreshToken, user);
    return refreshToken;
  };
  const checkPassword = (user: string, password: string): boolean => {
    const expected = Object.hasOwn(policy.users, user) ? policy.users[user] : undefined;
    return expected !== undefined && sameSecret(password, expected);
  };

  /** Authenticates the request (Basic on GET, the grant on POST): the subject, and whether it asked for a refresh token. */
  const authenticate = (request: IncomingMessage, params: URLSearchParams): { user?: string; offline: boolean } => {
    if (request.method === "GET") {
      const credentials = basicCredentials(request.headers.authorization);
      if (credentials && !checkPassword(credentials.user, credentials.password)) {
        throw registryError(401, "UNAUTHORIZED", "invalid username or password");
      }
      return { user: credentials?.user, offline: params.get("offline_token") === "true" && credentials !== undefined };
    }
    if (!params.get("client_id")) throw oauthError(400, "invalid_request", "client_id is required");
    const offline = params.get("access_type") === "offline";
    switch (params.get("grant_type")) {
      case "password": {
        const user = params.get("username") ?? "";
        if (!checkPassword(user, params.get("password") ?? "")) throw oauthError(400, "invalid_grant", "invalid username or password");
        return { user, offline };
      }
      case "refresh_token": {
        const user = refreshTokens.get(params.get("refresh_token") ?? "");
        if (user === undefined) throw oauthError(400, "invalid_grant", "unknown or revoked refresh token");
        return { user, offline };
      }
      default:
        throw oauthError(400, "unsupported_grant_type", "grant_type must be password or refresh_token");
    }
  };

  const answer = async (request: IncomingMessage, record: TokenRequestRecord, url: URL): Promise<object> => {
    if (failures.count > 0) {
      failures.count--;
      throw registryError(failures.status, "UNAVAILABLE", "injected failure");
    }
    if (faults.rejectWith !== undefined) throw registryError(faults.rejectWith, "DENIED", "injected refusal");
    if (url.pathname !== TOKEN_PATH) throw registryError(404, "NOT_FOUND", "no such endpoint");
    let params = url.searchParams;
    if (record.method === "POST") {
      if (faults.postNotFound) throw registryError(404, "NOT_FOUND", "no OAuth2 here");
      params = await readForm(request);
      const form = multiMap(params);
      for (const secret of ["password", "refresh_token"]) if (form[secret]) form[secret] = form[secret].map(() => REDACTED);
      record.form = form;
    } else if (record.method !== "GET") {
      throw registryError(405, "UNSUPPORTED", "GET or POST");
    }
    record.scopes = params.getAll("scope").flatMap((value) => value.split(" ")).filter(Boolean);
    const aud = params.get("service");
    if (!aud) throw oauthError(400, "invalid_request", "service is required");
    let requested: ResourceAccess[];
    try {
      requested = record.scopes.map(parseScope);
    } catch (error) {
      throw oauthError(400, "invalid_scope", (error as Error).message);
    }
    const { user, offline } = authenticate(request, params);
    record.user = user;
    record.granted = grantedAccess(policy.rules, user, requested);
    const token = issueToken(user, record.granted, aud);
    const body: Record<string, unknown> = { token, access_token: token };
    if (!faults.omitExpiry) Object.assign(body, { expires_in: policy.lifetimeSeconds, issued_at: new Date().toISOString() });
    if (faults.omitField) delete body[faults.omitField];
    if (record.method === "POST") body.scope = record.granted.map(formatScope).join(" ");
    if (offline && user !== undefined) {
      // A refresh grant with access_type=offline gets the same refresh token back, as the spec says.
      body.refresh_token = params.get("grant_type") === "refresh_token" ? params.get("refresh_token") : issueRefreshToken(user);
      record.refreshTokenIssued = true;
    }
    return body;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://token");
    const credentials = basicCredentials(request.headers.authorization);
    const record: TokenRequestRecord = {
      method: request.method ?? "GET",
      path: url.pathname,
      query: multiMap(url.searchParams),
      basic: credentials !== undefined,
      basicUser: credentials?.user,
      scopes: [],
      refreshTokenIssued: false,
    };
    requests.push(record);
    let status = 200;
    let body: object;
    try {
      body = await answer(request, record, url);
    } catch (error) {
      const refusal = error instanceof Refusal ? error : registryError(500, "INTERNAL", (error as Error).message);
      ({ status, body } = refusal);
      record.user = undefined;
      delete record.granted;
    }
    record.status = status;
    response.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(JSON.stringify(body));
  };

  const tls = options.tls ? tlsCertificate() : undefined;
  const listener = (request: IncomingMessage, response: ServerResponse): void => void handle(request, response);
  const server = tls ? https.createServer({ cert: tls.pem, key: readFileSync(tls.keyPath) }, listener) : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    realm: `${endpoint}${TOKEN_PATH}`,
    service,
    issuer,
    rootCertBundlePath: signer.certPath,
    signingCertificate: signer.pem,
    caCert: tls?.pem,
    caCertPath: tls?.certPath,
    policy,
    faults,
    requests,
    failNext(count = 1, status = 500) {
      failures = { count, status };
    },
    issueToken,
    issueRefreshToken,
    revokeRefreshToken: (refreshToken) => refreshTokens.delete(refreshToken),
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
