import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { captureVerboseLog } from "../../utils/verboseLog.js";
import { ContainerRegistryClient, ContainerRegistryContentClient, isRestError } from "../../../src/index.js";
import { FakeAcr } from "../fakes/fakeAcr.js";

const endpoint = "https://myregistry.azurecr.io";

function clientFor(fake: FakeAcr, options: { anonymous?: boolean; endpoint?: string } = {}) {
  const credential = options.anonymous ? undefined : fake.credential();
  const client = new ContainerRegistryClient(options.endpoint ?? endpoint, credential, {
    httpClient: fake,
    retryOptions: { maxRetries: 0 },
  });
  return { client, credential };
}

describe("ACR authentication policy", () => {
  it("costs one exchange and one token request for N calls on one scope", async () => {
    const fake = new FakeAcr({ accessTokenLifetime: 3600 });
    const { client, credential } = clientFor(fake);
    const repository = client.getRepository("hello");
    for (let i = 0; i < 5; i++) await repository.getProperties();

    expect(fake.count("POST", "/oauth2/exchange")).toBe(1);
    expect(fake.count("POST", "/oauth2/token")).toBe(1);
    expect(credential!.calls).toBe(1);
    // One challenged request, its retry, and four more that went straight through.
    expect(fake.count("GET", "/acr/v1/hello")).toBe(6);
    expect(fake.requests.filter((r) => r.path === "/acr/v1/hello" && !r.authorization)).toHaveLength(1);
  });

  it("shares one exchange and one token request between concurrent first calls", async () => {
    const fake = new FakeAcr({ accessTokenLifetime: 3600, tokenDelayMs: 30 });
    const { client } = clientFor(fake);
    const repository = client.getRepository("hello");
    const results = await Promise.all(Array.from({ length: 10 }, () => repository.getProperties()));

    expect(results.every((p) => p.name === "hello")).toBe(true);
    expect(fake.count("POST", "/oauth2/exchange")).toBe(1);
    expect(fake.count("POST", "/oauth2/token")).toBe(1);
  });

  it("asks for a token per scope, up front once the service is known, and exchanges the Entra token once per service", async () => {
    const fake = new FakeAcr({ accessTokenLifetime: 3600 });
    const { client } = clientFor(fake);
    const repository = client.getRepository("hello");
    await repository.getProperties();
    await repository.updateProperties({ canDelete: false });
    await repository.updateProperties({ canDelete: true });
    const names = [];
    for await (const name of client.listRepositoryNames()) names.push(name);

    expect(names).toEqual(["hello"]);
    expect(fake.count("POST", "/oauth2/exchange")).toBe(1);
    expect(fake.count("POST", "/oauth2/token")).toBe(3); // metadata_read, metadata_write, catalog
    // The service is known from the first challenge: a new route's predicted scope is fetched before sending.
    expect(fake.count("PATCH", "/acr/v1/hello")).toBe(2);
  });

  it("calls the registry's own host, never the challenge's realm", async () => {
    const fake = new FakeAcr({ accessTokenLifetime: 3600, realm: "https://attacker.example/oauth2/token" });
    const { client } = clientFor(fake);
    await client.getRepository("hello").getProperties();
    expect(new Set(fake.requests.map((r) => r.host))).toEqual(new Set(["myregistry.azurecr.io"]));
  });

  describe("with a controlled clock", () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.UTC(2026, 0, 1));
    });
    afterEach(() => vi.useRealTimers());

    it("renews the access token before its exp without a 401, and the refresh token before its own", async () => {
      const fake = new FakeAcr({ accessTokenLifetime: 600, refreshTokenLifetime: 3 * 3600 });
      const { client, credential } = clientFor(fake);
      const repository = client.getRepository("hello");
      await repository.getProperties();
      vi.advanceTimersByTime(580_000); // 20 s before expiry: inside the renewal margin
      await repository.getProperties();
      expect(fake.count("POST", "/oauth2/token")).toBe(2); // renewed up front...
      expect(fake.count("GET", "/acr/v1/hello")).toBe(3); // ...so no second challenge
      expect(fake.count("POST", "/oauth2/exchange")).toBe(1);

      vi.advanceTimersByTime(3 * 3600_000); // the refresh token is past its exp too
      await repository.getProperties();
      expect(fake.count("POST", "/oauth2/exchange")).toBe(2);
      expect(credential!.calls).toBe(2);
      expect(fake.count("GET", "/acr/v1/hello")).toBe(4);
    });

    it("gives an opaque (non-JWT) access token a short default lifetime", async () => {
      const fake = new FakeAcr({ accessTokenLifetime: undefined });
      const { client } = clientFor(fake);
      const repository = client.getRepository("hello");
      await repository.getProperties();
      vi.advanceTimersByTime(30_000);
      await repository.getProperties();
      expect(fake.count("POST", "/oauth2/token")).toBe(1);
      vi.advanceTimersByTime(60_000);
      await repository.getProperties();
      expect(fake.count("POST", "/oauth2/token")).toBe(2);
    });
  });

  it("replaces an access token the registry rejects, and a revoked refresh token", async () => {
    const fake = new FakeAcr({ accessTokenLifetime: 3600 });
    const { client } = clientFor(fake);
    const repository = client.getRepository("hello");
    await repository.getProperties();
    const trace = () => fake.requests.splice(0).map((r) => `${r.method} ${r.path} ${r.authorization ? "auth" : "anon"}`);
    trace();

    fake.revokeTokens();
    await repository.getProperties();
    expect(trace()).toEqual(["GET /acr/v1/hello auth", "POST /oauth2/token anon", "GET /acr/v1/hello auth"]);

    fake.revokeTokens({ refreshTokens: true });
    await repository.getProperties();
    expect(trace()).toEqual([
      "GET /acr/v1/hello auth",
      "POST /oauth2/token anon",
      "POST /oauth2/exchange anon",
      "POST /oauth2/token anon",
      "GET /acr/v1/hello auth",
    ]);
  });

  it("gets anonymous tokens with grant_type=password and surfaces insufficient_scope as a RestError after one retry", async () => {
    const fake = new FakeAcr({ accessTokenLifetime: 3600, allowAnonymous: true, readOnlyAnonymous: true });
    const { client } = clientFor(fake, { anonymous: true });
    const names = [];
    for await (const name of client.listRepositoryNames()) names.push(name);
    expect(names).toEqual(["hello"]);
    const tokenRequest = fake.requests.find((r) => r.path === "/oauth2/token")!;
    expect(new URLSearchParams(tokenRequest.body).get("grant_type")).toBe("password");
    expect(fake.count("POST", "/oauth2/exchange")).toBe(0);

    // An anonymous token never grants metadata_write: the retried PATCH is refused again, and that is the error.
    fake.requests.splice(0);
    const update = client.getRepository("hello").updateProperties({ canDelete: false });
    await expect(update).rejects.toSatisfy(isRestError);
    await expect(update).rejects.toMatchObject({ statusCode: 401, code: "UNAUTHORIZED" });
    // The service is known: the predicted metadata_write token is fetched up front, refused with
    // insufficient_scope, and the PATCH retried once with the (same) token for the challenged scope.
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.authorization ? "auth" : "anon"}`)).toEqual([
      "POST /oauth2/token anon",
      "PATCH /acr/v1/hello auth",
      "PATCH /acr/v1/hello auth",
    ]);
  });

  it("asks for the scope a new route is challenged for when no cached token grants it", async () => {
    const fake = new FakeAcr({ accessTokenLifetime: 3600 });
    const { client } = clientFor(fake);
    await client.getRepository("hello").getProperties();
    // No cached token grants `delete`: the manifest delete goes without one and is challenged for it.
    await expect(client.getArtifact("hello", `sha256:${"a".repeat(64)}`).delete()).resolves.toBeUndefined();
    const scopes = fake.requests.filter((r) => r.path === "/oauth2/token").map((r) => new URLSearchParams(r.body).get("scope"));
    expect(scopes).toEqual(["repository:hello:metadata_read", "repository:hello:delete"]);
  });

  it("answers insufficient_scope with a token for the challenged scope, then uses it up front on that route", async () => {
    // This registry wants more than ACR usually does to list manifests: the cached metadata_read
    // token the client offers there is refused with insufficient_scope.
    const fake = new FakeAcr({
      accessTokenLifetime: 3600,
      scopeFor: (_method, path) => (path.endsWith("/_manifests") ? "repository:hello:metadata_read,list" : undefined),
    });
    const { client } = clientFor(fake);
    const repository = client.getRepository("hello");
    await repository.getProperties();
    fake.requests.splice(0);
    for (let i = 0; i < 2; i++) for await (const _ of repository.listManifestProperties()) void _;

    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.authorization ? "auth" : "anon"}`)).toEqual([
      "GET /acr/v1/hello/_manifests auth", // the cached metadata_read token, refused: insufficient_scope
      "POST /oauth2/token anon",
      "GET /acr/v1/hello/_manifests auth",
      "GET /acr/v1/hello/_manifests auth", // second listing: the challenged scope's token, no 401
    ]);
    expect(new URLSearchParams(fake.requests[1]!.body).get("scope")).toBe("repository:hello:metadata_read,list");
    expect(fake.count("POST", "/oauth2/exchange")).toBe(0); // the refresh token was reused
  });

  it("mounts with one token for push on the target and pull on the source, fetched before the POST: no 401", async () => {
    const fake = new FakeAcr({ accessTokenLifetime: 3600 });
    const client = new ContainerRegistryContentClient(endpoint, "hello-world", fake.credential(), { httpClient: fake, retryOptions: { maxRetries: 0 } });
    const digest = `sha256:${"a".repeat(64)}`;
    expect(await client.blobExists(digest)).toBe(true); // the first challenge tells the service
    fake.requests.splice(0);

    expect(await client.mountBlob(digest, "alpine")).toEqual({ digest, mounted: true });
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.authorization ? "auth" : "anon"}`)).toEqual([
      "POST /oauth2/token anon",
      "POST /v2/hello-world/blobs/uploads/ auth",
    ]);
    expect(new URLSearchParams(fake.requests[0]!.body).get("scope")).toBe("repository:hello-world:pull,push repository:alpine:pull");
  });

  it("never offers again a cached token the registry rejected, whichever scope it was cached under", async () => {
    // Reading the repository here needs (and caches) a token for metadata_read AND metadata_write.
    const fake = new FakeAcr({
      accessTokenLifetime: 3600,
      scopeFor: (method, path) => (method === "GET" && path === "/acr/v1/hello" ? "repository:hello:metadata_read,metadata_write" : undefined),
    });
    const { client } = clientFor(fake);
    const repository = client.getRepository("hello");
    await repository.getProperties();
    fake.revokeTokens();
    fake.requests.splice(0);
    // A new route (PATCH: metadata_write) is offered the broader cached token; it is refused.
    await repository.updateProperties({ canList: true });
    // Reading again (a GET under the repository, challenged before) must not carry the refused token:
    // a fresh one is fetched up front.
    await repository.getArtifact("v1").getTagProperties("v1");
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.authorization ? "auth" : "anon"}`)).toEqual([
      "PATCH /acr/v1/hello auth",
      "POST /oauth2/token anon",
      "PATCH /acr/v1/hello auth",
      "POST /oauth2/token anon",
      "GET /acr/v1/hello/_tags/v1 auth",
    ]);
  });

  it("works over plain http on loopback, refuses a credential over plain http elsewhere, and lets anonymous plain http through", async () => {
    const fake = new FakeAcr({ accessTokenLifetime: 3600 });
    const { client } = clientFor(fake, { endpoint: "http://127.0.0.1:5000" });
    expect((await client.getRepository("hello").getProperties()).name).toBe("hello");

    const remote = new FakeAcr();
    expect(() => clientFor(remote, { endpoint: "http://myregistry.example.com" })).toThrow(/plain http/);
    expect(remote.requests).toHaveLength(0);
    // Anonymous access to a remote plain-http registry carries no credential and is allowed.
    expect(() => clientFor(remote, { endpoint: "http://myregistry.example.com", anonymous: true })).not.toThrow();
  });

  it("keeps every secret out of a verbose log of the whole flow", async () => {
    const fake = new FakeAcr({ accessTokenLifetime: 3600 });
    const log = await captureVerboseLog(async () => {
      const { client } = clientFor(fake);
      const repository = client.getRepository("hello");
      await repository.getProperties();
      await repository.updateProperties({ canWrite: true });
      await client.deleteRepository("missing"); // a 404: already gone, which is not an error
    });
    expect(log).toContain("/oauth2/exchange"); // the flow was logged...
    expect(log).toContain("challenged for scope");
    const form = (body: string | undefined, key: string) => new URLSearchParams(body ?? "").get(key) ?? undefined;
    const secrets = [
      ...fake.entraTokens,
      ...fake.requests.flatMap((r) => [
        r.authorization?.replace("Bearer ", ""),
        form(r.body, "access_token"),
        form(r.body, "refresh_token"),
      ]),
    ].filter((s): s is string => !!s);
    expect(new Set(secrets).size).toBeGreaterThanOrEqual(4); // Entra token, refresh token, two access tokens
    for (const secret of secrets) expect(log).not.toContain(secret); // ...but none of its secrets
    expect(log).not.toMatch(/secret-\d/);
  });
});
