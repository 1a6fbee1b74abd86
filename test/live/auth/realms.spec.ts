// Where the client follows a registry's token realm (docs/authentication.md), against real registries whose
// challenges name a realm on another host (`localhost` for a registry on 127.0.0.1), over http and https.
import { AzureNamedKeyCredential } from "@azure/core-auth";
import { afterEach, describe, expect, it } from "vitest";
import { distributionRegistryAvailable } from "../../utils/registry.js";
import { SKIP_MESSAGE } from "../content/support.js";
import { ALICE, clientOf, expectPullable, pushImage, PUBLIC_REPOSITORY, startTokenAuthRegistry, type TokenAuthRegistry } from "./support.js";

const onLocalhost = (realm: string): string => realm.replace("//127.0.0.1:", "//localhost:");

describe.skipIf(!distributionRegistryAvailable())(`token realms on other hosts (${SKIP_MESSAGE})`, () => {
  let server: TokenAuthRegistry | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("refuses a realm on another host over plain http, anonymous or not, without sending it anything", async () => {
    server = await startTokenAuthRegistry({ realm: onLocalhost });
    const refusals = [
      await clientOf(server.registry, PUBLIC_REPOSITORY).getManifest("v1").catch((e: unknown) => e),
      await clientOf(server.registry, PUBLIC_REPOSITORY, new AzureNamedKeyCredential(ALICE.user, ALICE.password)).getManifest("v1").catch((e: unknown) => e),
    ];
    for (const error of refusals) {
      expect(error).toMatchObject({ name: "RestError", code: "RealmRefused" });
      expect((error as Error).message).toContain(`http://localhost:${server.tokens.port}/token`);
      expect((error as Error).message).toContain("only over https");
    }
    expect(server.tokens.requests).toEqual([]);
  });

  it("follows a realm on another host over https, with the password, and the registry accepts its tokens", async () => {
    server = await startTokenAuthRegistry({ tls: true, realm: onLocalhost });
    const image = await pushImage(clientOf(server.registry, PUBLIC_REPOSITORY, new AzureNamedKeyCredential(ALICE.user, ALICE.password)), "v1");
    await expectPullable(clientOf(server.registry, PUBLIC_REPOSITORY), "v1", image);
    expect(server.tokens.requests.length).toBeGreaterThan(0);
    expect(server.tokens.requests.every((r) => r.status === 200)).toBe(true);
  });

  it("refuses an http realm for an https registry (no downgrade), even on the registry's own host", async () => {
    // The token server on http, the registry on https: the registry's challenges name an http realm.
    server = await startTokenAuthRegistry({ registry: { tls: true } });
    const error = await clientOf(server.registry, PUBLIC_REPOSITORY).getManifest("v1").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "RealmRefused" });
    expect((error as Error).message).toContain("the registry is on https, its realm must be too");
    expect(server.tokens.requests).toEqual([]);
  });

  it("never sends an Entra ID token to a realm: with a TokenCredential only the registry's own /oauth2/exchange is asked", async () => {
    server = await startTokenAuthRegistry();
    let entraTokens = 0;
    const entra = { getToken: async () => (entraTokens++, { token: "entra-secret", expiresOnTimestamp: Date.now() + 3600_000 }) };
    const error = await clientOf(server.registry, PUBLIC_REPOSITORY, entra).getManifest("v1").catch((e: unknown) => e);
    // The CNCF registry has no /oauth2/exchange: the exchange fails there, and nothing reached the token server.
    expect(error).toMatchObject({ name: "RestError", statusCode: 404 });
    expect((error as Error).message).toMatch(/^Token request to \/oauth2\/exchange failed/);
    expect((error as Error).message).not.toContain("entra-secret");
    expect(entraTokens).toBe(1);
    expect(server.tokens.requests).toEqual([]);
  });
});
