// Basic authentication against the CNCF registry with `auth: htpasswd` (bcrypt passwords), over http and https.
import { AzureNamedKeyCredential } from "@azure/core-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainerRegistryClient } from "../../../src/index.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../../utils/registry.js";
import { BASIC_AUTHORIZATION, BASIC_USER, SKIP_MESSAGE } from "../content/support.js";
import { clientOf, expectPullable, pushImage, recordingHttpClient } from "./support.js";

describe.skipIf(!distributionRegistryAvailable())(`htpasswd registry (${SKIP_MESSAGE})`, () => {
  describe.each([false, true])("tls %s", (tls) => {
    let registry: RunningRegistry;
    beforeAll(async () => {
      registry = await startDistributionRegistry({ tls, htpasswd: BASIC_USER });
    });
    afterAll(() => registry?.stop());

    it("answers the Basic challenge once, then sends the credentials up front, and pulls back what it pushed", async () => {
      const httpClient = recordingHttpClient();
      const client = clientOf(registry, "basic/app", new AzureNamedKeyCredential(BASIC_USER.user, BASIC_USER.password), { httpClient });
      const image = await pushImage(client, "v1");
      await expectPullable(client, "v1", image);
      const [first, retry, ...rest] = httpClient.sent;
      expect([first!.authorization, first!.status]).toEqual([undefined, 401]);
      expect([retry!.authorization, retry!.status]).toEqual([BASIC_AUTHORIZATION, 202]);
      expect(rest.length).toBeGreaterThan(3);
      expect(rest.every((request) => request.authorization === BASIC_AUTHORIZATION && request.status < 400)).toBe(true);
    });

    it("surfaces a wrong password as the registry's RestError 401 after one retry, and update() fixes the next call", async () => {
      const httpClient = recordingHttpClient();
      const credential = new AzureNamedKeyCredential(BASIC_USER.user, "wrong");
      const client = clientOf(registry, "basic/app", credential, { httpClient });
      const error = await client.getManifest("v1").catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "RestError", statusCode: 401, code: "UNAUTHORIZED" });
      expect((error as Error).message).not.toContain("wrong");
      expect(httpClient.sent.map((request) => request.status)).toEqual([401, 401]);

      credential.update(BASIC_USER.user, BASIC_USER.password);
      expect((await client.getManifest("v1")).digest).toMatch(/^sha256:/);
      // The rejected header was forgotten: the next call read the credential again and went through at once.
      expect(httpClient.sent.slice(2).map((request) => [request.authorization === BASIC_AUTHORIZATION, request.status])).toEqual([[true, 200]]);
    });

    it("leaves the 401 to anonymous clients and to Entra ID credentials, which cannot answer a Basic challenge", async () => {
      const entra = { getToken: async () => ({ token: "entra", expiresOnTimestamp: Date.now() + 3600_000 }) };
      for (const credential of [undefined, entra]) {
        const httpClient = recordingHttpClient();
        const error = await clientOf(registry, "basic/app", credential, { httpClient }).getManifest("v1").catch((e: unknown) => e);
        expect(error).toMatchObject({ statusCode: 401, code: "UNAUTHORIZED" });
        expect(httpClient.sent.map((request) => [request.authorization, request.status])).toEqual([[undefined, 401]]);
      }
    });

    it("lists the OCI catalog with Basic credentials through the metadata client", async () => {
      const client = new ContainerRegistryClient(registry.endpoint, new AzureNamedKeyCredential(BASIC_USER.user, BASIC_USER.password), {
        ...(registry.caCert && { tlsOptions: { ca: registry.caCert } }),
      });
      const names: string[] = [];
      for await (const name of client.listRepositoryNames()) names.push(name);
      expect(names).toContain("basic/app");
    });
  });
});
