import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEV_TOKEN, startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { client, pushImage, tokenFor } from "./helpers.js";

const form = (fields: Record<string, string>): URLSearchParams => new URLSearchParams(fields);

describe("emulator: ACR authentication", () => {
  let emulator: AcrEmulator;

  beforeAll(async () => {
    emulator = await startAcrEmulator({ serviceName: "emulated.azurecr.io" });
    await pushImage(client(emulator, await tokenFor(emulator, "repository:library/hello-world:pull,push")), "library/hello-world", "latest");
  });
  afterAll(() => emulator.close());

  it("challenges like ACR, with the scope each endpoint needs", async () => {
    const cases: Array<[string, string, string]> = [
      ["GET", "/acr/v1/_catalog", "registry:catalog:*"],
      ["GET", "/v2/_catalog", "registry:catalog:*"],
      ["GET", "/v2/library%2Fhello-world/manifests/latest", "repository:library/hello-world:pull"],
      ["POST", "/v2/library/hello-world/blobs/uploads/", "repository:library/hello-world:pull,push"],
      ["DELETE", "/v2/library/hello-world/manifests/latest", "repository:library/hello-world:delete"],
      ["GET", "/acr/v1/library%2Fhello-world/_tags", "repository:library/hello-world:metadata_read"],
      ["PATCH", "/acr/v1/library%2Fhello-world", "repository:library/hello-world:metadata_write"],
      ["DELETE", "/acr/v1/library%2Fhello-world", "repository:library/hello-world:delete"],
    ];
    for (const [method, path, scope] of cases) {
      const response = await fetch(`${emulator.endpoint}${path}`, { method });
      expect(response.status, path).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(
        `Bearer realm="${emulator.endpoint}/oauth2/token",service="emulated.azurecr.io",scope="${scope}"`,
      );
      const body = (await response.json()) as { errors: Array<{ code: string; detail: Array<{ Type: string; Action: string }> }> };
      expect(body.errors[0]!.code).toBe("UNAUTHORIZED");
      expect(body.errors[0]!.detail.map((d) => d.Action)).toEqual(scope.split(":").pop()!.split(","));
    }
  });

  it("exchanges the dev token for a refresh token and that for scoped access tokens", async () => {
    const exchange = await fetch(`${emulator.endpoint}/oauth2/exchange`, {
      method: "POST",
      body: form({ grant_type: "access_token", service: "emulated.azurecr.io", access_token: DEFAULT_DEV_TOKEN, tenant: "t" }),
    });
    expect(exchange.status).toBe(200);
    const { refresh_token } = (await exchange.json()) as { refresh_token: string };
    const claims = JSON.parse(Buffer.from(refresh_token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: "emulated.azurecr.io", grant_type: "refresh_token", tenant: "t" });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);

    const token = await fetch(`${emulator.endpoint}/oauth2/token`, {
      method: "POST",
      body: form({
        grant_type: "refresh_token",
        service: "emulated.azurecr.io",
        refresh_token,
        scope: "repository:library/hello-world:pull registry:catalog:*",
      }),
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const access = JSON.parse(Buffer.from(access_token.split(".")[1]!, "base64url").toString()) as { access: unknown };
    expect(access.access).toEqual([
      { type: "repository", name: "library/hello-world", actions: ["pull"] },
      { type: "registry", name: "catalog", actions: ["*"] },
    ]);
    const call = client(emulator, access_token);
    expect((await call("/v2/library/hello-world/manifests/latest")).status).toBe(200);
    expect((await call("/acr/v1/_catalog")).status).toBe(200);

    const insufficient = await call("/acr/v1/library%2Fhello-world", { method: "DELETE" });
    expect(insufficient.status).toBe(401);
    expect(insufficient.headers.get("www-authenticate")).toMatch(/scope="repository:library\/hello-world:delete",error="insufficient_scope"$/);

    // An access token is not a refresh token, and a forged signature is refused.
    const misuse = await fetch(`${emulator.endpoint}/oauth2/token`, {
      method: "POST",
      body: form({ grant_type: "refresh_token", service: "emulated.azurecr.io", refresh_token: access_token, scope: "registry:catalog:*" }),
    });
    expect(misuse.status).toBe(401);
    const forged = access_token.slice(0, -4) + (access_token.endsWith("AAAA") ? "BBBB" : "AAAA");
    const refused = await client(emulator, forged)("/acr/v1/_catalog");
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).not.toContain("error=");
  });

  it("refuses a wrong dev token, a wrong service and an unknown grant with 401 UNAUTHORIZED", async () => {
    const attempts = [
      form({ grant_type: "access_token", service: "emulated.azurecr.io", access_token: "wrong" }),
      form({ grant_type: "access_token", service: "elsewhere.azurecr.io", access_token: DEFAULT_DEV_TOKEN }),
      form({ grant_type: "authorization_code", service: "emulated.azurecr.io", access_token: DEFAULT_DEV_TOKEN }),
    ];
    for (const body of attempts) {
      const response = await fetch(`${emulator.endpoint}/oauth2/exchange`, { method: "POST", body });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe("UNAUTHORIZED");
    }
    const anonymous = await fetch(`${emulator.endpoint}/oauth2/token`, {
      method: "POST",
      body: form({ grant_type: "password", service: "emulated.azurecr.io", scope: "registry:catalog:*" }),
    });
    expect(anonymous.status).toBe(401);
  });

  it("gives the credential's token to the exchange", async () => {
    const token = await emulator.credential.getToken("https://containerregistry.azure.net/.default");
    expect(token?.token).toBe(DEFAULT_DEV_TOKEN);
  });

  it("lets access tokens expire", async () => {
    const shortLived = await startAcrEmulator({ accessTokenLifetimeSeconds: 1 });
    try {
      const call = client(shortLived, await tokenFor(shortLived, "registry:catalog:*"));
      expect((await call("/v2/_catalog")).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const expired = await call("/v2/_catalog");
      expect(expired.status).toBe(401);
      expect(expired.headers.get("www-authenticate")).not.toContain("insufficient_scope");
    } finally {
      await shortLived.close();
    }
  });

  it("grants anonymous tokens pull, metadata reads and the catalog only, when anonymous pull is on", async () => {
    const open = await startAcrEmulator({ anonymousPull: true });
    try {
      await pushImage(client(open, await tokenFor(open, "repository:public:pull,push")), "public", "v1");
      const response = await fetch(`${open.endpoint}/oauth2/token`, {
        method: "POST",
        body: form({ grant_type: "password", service: open.serviceName, refresh_token: "", scope: "repository:public:pull,push,metadata_read,metadata_write registry:catalog:*" }),
      });
      const { access_token } = (await response.json()) as { access_token: string };
      const call = client(open, access_token);
      expect((await call("/v2/public/manifests/v1")).status).toBe(200);
      expect((await call("/v2/_catalog")).status).toBe(200);
      expect((await call("/acr/v1/public/_tags")).status).toBe(200);
      const update = await call("/acr/v1/public", { method: "PATCH", body: JSON.stringify({ deleteEnabled: false }) });
      expect(update.status).toBe(401);
      const push = await call("/v2/public/blobs/uploads/", { method: "POST" });
      expect(push.status).toBe(401);
      expect(push.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
      // Docker clients ask with GET and no credentials.
      const docker = await fetch(`${open.endpoint}/oauth2/token?service=${open.serviceName}&scope=repository:public:pull`);
      expect(docker.status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it("serves everything without tokens when authentication is off", async () => {
    const open = await startAcrEmulator({ authentication: false });
    try {
      expect((await fetch(`${open.endpoint}/v2/`)).status).toBe(200);
      expect((await fetch(`${open.endpoint}/acr/v1/_catalog`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
