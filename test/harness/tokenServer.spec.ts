import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { decodeToken, formatScope, parseScope, tokenSignedBy } from "../utils/registryToken.js";
import { startTokenServer, type RunningTokenServer } from "../utils/tokenServer.js";
import { basic, request, type PlainResponse } from "./support.js";

const PULL_PUBLIC = "repository:public/app:pull";
const PUSH_PUBLIC = "repository:public/app:pull,push";

describe("parseScope and formatScope", () => {
  it("split TYPE:NAME:ACTIONS with a colon-holding name and join it back", () => {
    const scope = "repository:127.0.0.1:5000/team/app:pull,push";
    expect(parseScope(scope)).toEqual({ type: "repository", name: "127.0.0.1:5000/team/app", actions: ["pull", "push"] });
    expect(formatScope(parseScope(scope))).toBe(scope);
    expect(() => parseScope("repository:app")).toThrow(/not a scope/);
    expect(() => parseScope("repository:app:")).toThrow(/not a scope/);
  });
});

describe("startTokenServer", () => {
  let server: RunningTokenServer;
  const users = { alice: "alice's password", bob: "bob:colon" };

  beforeAll(async () => {
    server = await startTokenServer({
      users,
      rules: [
        { name: "public/app", actions: ["pull"] },
        { users: ["alice"], name: /^public\//, actions: ["pull", "push"] },
        { users: "authenticated", type: "registry", name: "catalog", actions: ["*"] },
      ],
    });
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.requests.length = 0;
    for (const fault of Object.keys(server.faults)) delete server.faults[fault as keyof typeof server.faults];
  });

  const get = (query: string, headers?: Record<string, string>): Promise<PlainResponse> =>
    request(`${server.realm}?${query}`, { headers });
  const post = (form: Record<string, string>): Promise<PlainResponse> =>
    request(server.realm, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  const accessOf = (response: PlainResponse) => decodeToken(JSON.parse(response.body).token).claims.access;

  it("issues an ES256 JWT with the signing certificate in x5c and the spec's claims", async () => {
    const response = await get(`service=${server.service}&scope=${PULL_PUBLIC}`);
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body);
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBe(300);
    expect(Math.abs(Date.parse(body.issued_at) - Date.now())).toBeLessThan(5_000);
    expect(body.refresh_token).toBeUndefined();
    expect(tokenSignedBy(body.token, server.signingCertificate)).toBe(true);
    const { header, claims } = decodeToken(body.token);
    expect(header).toEqual({ typ: "JWT", alg: "ES256", x5c: [new X509Certificate(server.signingCertificate).raw.toString("base64")] });
    expect(claims).toMatchObject({ iss: server.issuer, aud: server.service, sub: "", access: [{ type: "repository", name: "public/app", actions: ["pull"] }] });
    expect(claims.exp - claims.iat).toBe(300);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.jti).toMatch(/^[0-9a-f]{32}$/);
  });

  it("grants only what the rules allow: anonymous pull, alice push, the catalog to any user, scopes merged", async () => {
    expect(accessOf(await get(`service=s&scope=${PUSH_PUBLIC}`))).toEqual([{ type: "repository", name: "public/app", actions: ["pull"] }]);
    expect(accessOf(await get(`service=s&scope=${PUSH_PUBLIC}`, basic("bob", users.bob)))).toEqual([
      { type: "repository", name: "public/app", actions: ["pull"] },
    ]);
    const alice = await get(`service=s&scope=${PULL_PUBLIC}&scope=repository:public/app:push&scope=registry:catalog:*&scope=repository:private:pull`, basic("alice", users.alice));
    expect(accessOf(alice)).toEqual([
      { type: "repository", name: "public/app", actions: ["pull", "push"] },
      { type: "registry", name: "catalog", actions: ["*"] },
    ]);
    expect(decodeToken(JSON.parse(alice.body).token).claims).toMatchObject({ sub: "alice", aud: "s" });
    // Space-separated scopes in one parameter count as several.
    expect(accessOf(await get(`service=s&scope=${encodeURIComponent(`${PULL_PUBLIC} registry:catalog:*`)}`))).toEqual([
      { type: "repository", name: "public/app", actions: ["pull"] },
    ]);
  });

  it("refuses a wrong password with 401 and records who tried, never the password", async () => {
    const refused = await get(`service=s&scope=${PULL_PUBLIC}`, basic("alice", "wrong password"));
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toEqual({ errors: [{ code: "UNAUTHORIZED", message: "invalid username or password" }] });
    expect((await get("service=s", basic("mallory", "x"))).status).toBe(401);
    expect(server.requests).toMatchObject([
      { method: "GET", path: "/token", basic: true, basicUser: "alice", user: undefined, status: 401, scopes: [PULL_PUBLIC] },
      { basic: true, basicUser: "mallory", user: undefined, status: 401 },
    ]);
    expect(server.requests[0]!.query).toEqual({ service: ["s"], scope: [PULL_PUBLIC] });
    expect(JSON.stringify(server.requests)).not.toMatch(/wrong password/);
  });

  it("answers a POST password grant with access_type=offline with a refresh token, redeemable until revoked", async () => {
    const login = await post({ grant_type: "password", username: "alice", password: users.alice, service: "s", client_id: "harness", access_type: "offline", scope: PUSH_PUBLIC });
    expect(login.status).toBe(200);
    const { refresh_token: refreshToken, scope, access_token: accessToken } = JSON.parse(login.body);
    expect(refreshToken).toMatch(/^[\w-]{43}$/);
    expect(scope).toBe(PUSH_PUBLIC);
    expect(decodeToken(accessToken).claims.sub).toBe("alice");

    const refreshed = await post({ grant_type: "refresh_token", refresh_token: refreshToken, service: "s", client_id: "harness", scope: "repository:public/other:push" });
    expect(refreshed.status).toBe(200);
    expect(JSON.parse(refreshed.body)).not.toHaveProperty("refresh_token");
    expect(accessOf(refreshed)).toEqual([{ type: "repository", name: "public/other", actions: ["push"] }]);
    const again = await post({ grant_type: "refresh_token", refresh_token: refreshToken, service: "s", client_id: "harness", access_type: "offline" });
    expect(JSON.parse(again.body).refresh_token).toBe(refreshToken);

    expect(server.revokeRefreshToken(refreshToken)).toBe(true);
    const revoked = await post({ grant_type: "refresh_token", refresh_token: refreshToken, service: "s", client_id: "harness" });
    expect(revoked.status).toBe(400);
    expect(JSON.parse(revoked.body).error).toBe("invalid_grant");
    expect(server.requests.map((entry) => entry.refreshTokenIssued)).toEqual([true, false, true, false]);
    expect(server.requests[0]!.form).toMatchObject({ password: ["<redacted>"], username: ["alice"] });
    expect(JSON.stringify(server.requests)).not.toContain(refreshToken);
    expect(JSON.stringify(server.requests)).not.toContain(users.alice);
  });

  it("refuses a POST without client_id, with a wrong password or an unknown grant type (OAuth2 errors)", async () => {
    const errorOf = async (form: Record<string, string>) => {
      const response = await post({ service: "s", ...form });
      return [response.status, JSON.parse(response.body).error];
    };
    expect(await errorOf({ grant_type: "password", username: "alice", password: users.alice })).toEqual([400, "invalid_request"]);
    expect(await errorOf({ grant_type: "password", username: "alice", password: "no", client_id: "c" })).toEqual([400, "invalid_grant"]);
    expect(await errorOf({ grant_type: "authorization_code", client_id: "c" })).toEqual([400, "unsupported_grant_type"]);
    expect((await get(`scope=${PULL_PUBLIC}`)).status).toBe(400);
  });

  it("returns a refresh token on GET offline_token=true to an authenticated user only", async () => {
    const anonymous = await get("service=s&offline_token=true&client_id=c");
    expect(JSON.parse(anonymous.body)).not.toHaveProperty("refresh_token");
    const alice = await get("service=s&offline_token=true&client_id=c", basic("alice", users.alice));
    const { refresh_token: refreshToken } = JSON.parse(alice.body);
    const redeemed = await post({ grant_type: "refresh_token", refresh_token: refreshToken, service: "s", client_id: "c", scope: PUSH_PUBLIC });
    expect(accessOf(redeemed)).toEqual([{ type: "repository", name: "public/app", actions: ["pull", "push"] }]);
  });

  it("injects faults: one 500, access_token only, no expiry, rejection, no OAuth2", async () => {
    server.failNext();
    expect((await get("service=s")).status).toBe(500);
    expect((await get("service=s")).status).toBe(200);
    server.faults.omitField = "token";
    server.faults.omitExpiry = true;
    expect(Object.keys(JSON.parse((await get("service=s")).body))).toEqual(["access_token"]);
    server.faults.rejectWith = 403;
    expect((await get("service=s", basic("alice", users.alice))).status).toBe(403);
    delete server.faults.rejectWith;
    server.faults.postNotFound = true;
    expect((await post({ grant_type: "password", username: "alice", password: users.alice, client_id: "c" })).status).toBe(404);
    expect(server.requests.map((entry) => entry.status)).toEqual([500, 200, 200, 403, 404]);
  });

  it("issues tokens on demand with a chosen audience and key identification", () => {
    server.policy.keyIdentification = "kid";
    const token = server.issueToken("alice", [{ type: "repository", name: "x", actions: ["pull"] }], "other");
    server.policy.keyIdentification = "x5c";
    const { header, claims } = decodeToken(token);
    expect(header.x5c).toBeUndefined();
    expect(header.kid).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
    expect(claims).toMatchObject({ sub: "alice", aud: "other", iss: server.issuer });
    expect(tokenSignedBy(token, server.signingCertificate)).toBe(true);
  });
});

describe("startTokenServer with tls", () => {
  it("serves https with the registries' self-signed certificate", async () => {
    const server = await startTokenServer({ tls: true });
    try {
      expect(server.realm).toBe(`https://127.0.0.1:${server.port}/token`);
      expect((await request(`${server.realm}?service=s`, { ca: server.caCert })).status).toBe(200);
      await expect(request(`${server.realm}?service=s`)).rejects.toThrow(/self-signed certificate/);
    } finally {
      await server.stop();
    }
  });
});
