// The emulator's username/password flows, at the protocol level: ACR's admin user and repository-scoped
// tokens through `GET /oauth2/token` with Basic credentials and the password grant, and the identity token
// (`az acr login`'s refresh token) through the refresh grant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";

const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
const accessOf = (token: string): unknown => (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { access: unknown }).access;

describe("emulator: username/password flows", () => {
  let emulator: AcrEmulator;
  beforeAll(async () => {
    emulator = await startAcrEmulator({
      serviceName: "emulated.azurecr.io",
      adminUser: { username: "emulated", password: "admin-pass" },
      repositoryTokens: [{ username: "ci-reader", password: "reader-pass", access: ["repository:team/app:pull,metadata_read"] }],
    });
  });
  afterAll(() => emulator.close());

  const getToken = (scope: string, headers: Record<string, string> = {}) =>
    fetch(`${emulator.endpoint}/oauth2/token?service=emulated.azurecr.io&scope=${encodeURIComponent(scope)}`, { headers });
  const postToken = (fields: Record<string, string>) => fetch(`${emulator.endpoint}/oauth2/token`, { method: "POST", body: new URLSearchParams(fields) });

  it("gives the admin user everything it asks, by Basic GET and by the password grant", async () => {
    const scope = "repository:team/app:pull,push,delete";
    const byGet = await getToken(scope, basic("emulated", "admin-pass"));
    expect(byGet.status).toBe(200);
    expect(accessOf(((await byGet.json()) as { access_token: string }).access_token)).toEqual([{ type: "repository", name: "team/app", actions: ["pull", "push", "delete"] }]);
    const byPost = await postToken({ grant_type: "password", service: "emulated.azurecr.io", username: "emulated", password: "admin-pass", scope });
    expect(accessOf(((await byPost.json()) as { access_token: string }).access_token)).toEqual([{ type: "repository", name: "team/app", actions: ["pull", "push", "delete"] }]);
  });

  it("gives a repository-scoped token only what its scope map lists", async () => {
    const response = await getToken("repository:team/app:pull,push repository:other:pull", basic("ci-reader", "reader-pass"));
    expect(accessOf(((await response.json()) as { access_token: string }).access_token)).toEqual([{ type: "repository", name: "team/app", actions: ["pull"] }]);
  });

  it("refuses a wrong password, and the admin password under another user name, with 401 UNAUTHORIZED", async () => {
    for (const headers of [basic("emulated", "wrong"), basic("ci-reader", "admin-pass")]) {
      const response = await getToken("repository:team/app:pull", headers);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe("UNAUTHORIZED");
    }
  });

  it("writes what az acr login writes: a null-GUID user and an identity token the refresh grant takes", async () => {
    const config = emulator.dockerLoginConfig();
    const entry = config.auths[new URL(emulator.endpoint).host]!;
    expect(Buffer.from(entry.auth, "base64").toString()).toBe("00000000-0000-0000-0000-000000000000:");
    const response = await postToken({ grant_type: "refresh_token", service: "emulated.azurecr.io", refresh_token: entry.identitytoken, client_id: "docker", scope: "repository:team/app:push" });
    expect(response.status).toBe(200);
    expect(accessOf(((await response.json()) as { access_token: string }).access_token)).toEqual([{ type: "repository", name: "team/app", actions: ["push"] }]);
  });

  it("refuses invalid accounts before it starts", async () => {
    await expect(startAcrEmulator({ adminUser: { username: "", password: "p" } })).rejects.toThrow(TypeError);
    await expect(startAcrEmulator({ repositoryTokens: [{ username: "t", password: "p", access: ["pull"] }] })).rejects.toThrow(/access must list scopes/);
    await expect(
      startAcrEmulator({ adminUser: { username: "same", password: "p" }, repositoryTokens: [{ username: "same", password: "q", access: ["repository:a:pull"] }] }),
    ).rejects.toThrow(/must be unique/);
  });
});
