import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AzureNamedKeyCredential, ContainerRegistryContentClient, type DockerConfigCredential, type RegistryCredential } from "../../../src/index.js";
import { captureVerboseLog } from "../../utils/verboseLog.js";
import { FakeDistribution, REALM, REGISTRY, SERVICE, type FakeDistributionOptions } from "../fakes/fakeDistribution.js";

const DIGEST = `sha256:${"a".repeat(64)}`;
const PASSWORD = "hunter2-password";

function clientFor(fake: FakeDistribution, credential?: RegistryCredential): ContainerRegistryContentClient {
  return new ContainerRegistryContentClient(REGISTRY, "team/app", credential, { httpClient: fake, retryOptions: { maxRetries: 0 } });
}

/** A Docker config credential answering `found` (the class is recognised by its shape, as across package copies). */
function dockerCredential(found: Awaited<ReturnType<DockerConfigCredential["getCredentials"]>>): DockerConfigCredential {
  return { configPath: "/fake/config.json", getCredentials: async () => found };
}

const alice = () => new AzureNamedKeyCredential("alice", PASSWORD);
const withUsers: FakeDistributionOptions = { users: { alice: PASSWORD } };

describe("distribution token flow", () => {
  it("follows an https realm on another host: GET with the service, one scope parameter per scope, and Basic credentials", async () => {
    const fake = new FakeDistribution(withUsers);
    const client = clientFor(fake, alice());
    expect(await client.blobExists(DIGEST)).toBe(true); // the challenge names the realm and service
    expect(await client.mountBlob(DIGEST, "team/base")).toEqual({ digest: DIGEST, mounted: true });

    const [first, mount, ...more] = fake.tokenRequests();
    expect(more).toEqual([]);
    expect(first!.method).toBe("GET");
    expect(first!.authorization).toBe(`Basic ${Buffer.from(`alice:${PASSWORD}`).toString("base64")}`);
    expect(`${mount!.url.origin}${mount!.url.pathname}`).toBe(REALM);
    expect(mount!.url.searchParams.get("service")).toBe(SERVICE);
    expect(mount!.url.searchParams.getAll("scope")).toEqual(["repository:team/app:pull,push", "repository:team/base:pull"]);
    // The registry itself only ever saw Bearer tokens.
    const registryAuth = fake.requests.filter((r) => r.url.origin === REGISTRY).map((r) => r.authorization?.split(" ")[0]);
    expect(registryAuth).toEqual([undefined, "Bearer", "Bearer"]);
  });

  it("posts an identity token as an OAuth2 refresh grant: one space-separated scope field and a client_id, no Basic header", async () => {
    const fake = new FakeDistribution({ refreshTokens: ["identity-secret"] });
    const client = clientFor(fake, dockerCredential({ username: "<token>", identityToken: "identity-secret" }));
    await client.blobExists(DIGEST);
    await client.mountBlob(DIGEST, "team/base");
    const posts = fake.tokenRequests();
    expect(posts.map((r) => [r.method, r.authorization])).toEqual([
      ["POST", undefined],
      ["POST", undefined],
    ]);
    expect(Object.fromEntries(new URLSearchParams(posts[1]!.body))).toEqual({
      grant_type: "refresh_token",
      refresh_token: "identity-secret",
      service: SERVICE,
      client_id: "azsdk-js-container-registry",
      scope: "repository:team/app:pull,push repository:team/base:pull",
    });
  });

  it("is anonymous (GET without Authorization) when the Docker config holds nothing for the registry", async () => {
    const fake = new FakeDistribution();
    await clientFor(fake, dockerCredential(undefined)).blobExists(DIGEST);
    expect(fake.tokenRequests().map((r) => [r.method, r.authorization])).toEqual([["GET", undefined]]);
  });

  describe("with a controlled clock", () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.UTC(2026, 0, 1));
    });
    afterEach(() => vi.useRealTimers());

    it.each([
      ["token", (issued: string) => ({ token: issued })],
      ["access_token", (issued: string) => ({ access_token: issued })],
    ])("takes an answer with only %s and, without expires_in, renews it 15 s before the 60 s the spec assumes", async (_field, body) => {
      let issuedBodies = 0;
      const fake = new FakeDistribution({ tokenAnswer: (issued) => (issuedBodies++, { status: 200, body: body(issued) }) });
      const client = clientFor(fake);
      expect(await client.blobExists(DIGEST)).toBe(true);
      vi.advanceTimersByTime(44_000);
      expect(await client.blobExists(DIGEST)).toBe(true);
      expect(issuedBodies).toBe(1);
      vi.advanceTimersByTime(2_000);
      expect(await client.blobExists(DIGEST)).toBe(true);
      expect(issuedBodies).toBe(2);
    });
  });

  it.each([
    ["not JSON", "<html>token</html>", "it is not a JSON object"],
    ["a JSON array", [], "it is not a JSON object"],
    ["no token", { expires_in: 300 }, 'it holds neither "token" nor "access_token"'],
    ["a numeric token", { token: 42 }, '"token" is not a string'],
    ["a string expires_in", { token: "secret-t", expires_in: "300" }, '"expires_in" is not a number'],
    ["an issued_at that is no date", { token: "secret-t", issued_at: "yesterday" }, '"issued_at" is not a date'],
  ])("refuses a token answer with %s as InvalidTokenResponse, quoting none of it", async (_case, body, why) => {
    const fake = new FakeDistribution({ tokenAnswer: () => ({ status: 200, body }) });
    const error = await clientFor(fake).blobExists(DIGEST).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "RestError", code: "InvalidTokenResponse" });
    expect((error as Error).message).toBe(`The token response of ${REALM} is invalid: ${why}`);
  });

  it("does not follow a token server's redirect to another host: nothing reaches it, the 307 is the error", async () => {
    const fake = new FakeDistribution({ tokenAnswer: () => ({ status: 307, body: "", headers: { Location: "https://collector.example/steal" } }) });
    const error = await clientFor(fake, alice()).blobExists(DIGEST).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "RestError", statusCode: 307 });
    expect(fake.requests.map((r) => r.url.host)).toEqual(["registry.example", "auth.example"]);
  });

  it("keeps the password out of the error even when the token server echoes it, and out of a verbose log", async () => {
    const log = await captureVerboseLog(async () => {
      const fake = new FakeDistribution({ tokenAnswer: () => ({ status: 401, body: { details: `incorrect password ${PASSWORD} for alice` } }) });
      const error = await clientFor(fake, alice()).blobExists(DIGEST).catch((e: unknown) => e);
      expect(error).toMatchObject({ statusCode: 401 });
      expect((error as Error).message).toBe(`Token request to ${REALM} failed: 401: incorrect password REDACTED for alice`);
    });
    expect(log).toContain("Requesting a token");
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toContain(Buffer.from(`alice:${PASSWORD}`).toString("base64"));
  });

  it("rejects (never throws) when a NamedKeyCredential lost its key, before any token request", async () => {
    const fake = new FakeDistribution();
    const credential = { name: "alice", key: "" };
    const pending = clientFor(fake, credential).blobExists(DIGEST);
    await expect(pending).rejects.toThrow(RangeError);
    await expect(pending).rejects.toThrow(/non-empty name \(the user name\) and key/);
    expect(fake.tokenRequests()).toEqual([]);
  });

  it("refuses at construction a credential-shaped value that is no credential, instead of going anonymous", () => {
    const fake = new FakeDistribution();
    for (const value of [{ name: "alice", key: undefined }, { getToken: "not a function" }, { getCredentials: () => undefined }]) {
      expect(() => clientFor(fake, value as unknown as RegistryCredential)).toThrow(TypeError);
    }
    expect(fake.requests).toEqual([]);
  });
});
