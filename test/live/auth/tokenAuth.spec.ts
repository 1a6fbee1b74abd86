// The distribution token flow against the CNCF registry with `auth: token`: the registry verifies every
// token the test token server signs, so each pass below is a real token accepted for a real scope.
import { AzureNamedKeyCredential } from "@azure/core-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRestError } from "../../../src/index.js";
import { distributionRegistryAvailable } from "../../utils/registry.js";
import { SKIP_MESSAGE } from "../content/support.js";
import { ALICE, clientOf, expectPullable, pushImage, PUBLIC_REPOSITORY, startTokenAuthRegistry, type TokenAuthRegistry } from "./support.js";

describe.skipIf(!distributionRegistryAvailable())(`distribution token auth (${SKIP_MESSAGE})`, () => {
  describe.each([false, true])("tls %s", (tls) => {
    let server: TokenAuthRegistry;
    const alice = () => new AzureNamedKeyCredential(ALICE.user, ALICE.password);
    const requestsFrom = (start: number) => server.tokens.requests.slice(start);

    beforeAll(async () => {
      server = await startTokenAuthRegistry({ tls });
    });
    afterAll(() => server?.stop());

    it("pushes with a username/password (GET realm with Basic) and pulls the image back anonymously, byte for byte", async () => {
      const start = server.tokens.requests.length;
      const image = await pushImage(clientOf(server.registry, PUBLIC_REPOSITORY, alice()), "v1");
      const pushes = requestsFrom(start);
      expect(pushes.length).toBeGreaterThan(0);
      expect(pushes.every((r) => r.method === "GET" && r.basicUser === ALICE.user && r.user === ALICE.user && r.status === 200)).toBe(true);
      expect(pushes.flatMap((r) => r.query.service ?? [])).toEqual(pushes.map(() => server.tokens.service));

      const pulled = server.tokens.requests.length;
      await expectPullable(clientOf(server.registry, PUBLIC_REPOSITORY), "v1", image);
      const pulls = requestsFrom(pulled);
      // One anonymous token for pull, fetched once and reused for the manifest and the blob.
      expect(pulls.map((r) => ({ method: r.method, basic: r.basic, scopes: r.scopes, status: r.status }))).toEqual([
        { method: "GET", basic: false, scopes: [`repository:${PUBLIC_REPOSITORY}:pull`], status: 200 },
      ]);
    });

    it("surfaces a wrong password as a RestError 401 with the token server's code, after exactly one token request", async () => {
      const start = server.tokens.requests.length;
      const client = clientOf(server.registry, "private/app", new AzureNamedKeyCredential(ALICE.user, "wrong"));
      const error = await client.uploadBlob(Buffer.from("x")).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isRestError(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: 401, code: "UNAUTHORIZED" });
      expect((error as Error).message).not.toContain("wrong");
      expect(requestsFrom(start).map((r) => [r.basicUser, r.status])).toEqual([[ALICE.user, 401]]);
    });

    it("reads the NamedKeyCredential again for each token request: update() with the right password fixes the next call", async () => {
      const credential = new AzureNamedKeyCredential(ALICE.user, "old password");
      const client = clientOf(server.registry, "rotated/app", credential);
      await expect(client.uploadBlob(Buffer.from("rotation"))).rejects.toMatchObject({ statusCode: 401 });
      credential.update(ALICE.user, ALICE.password);
      const start = server.tokens.requests.length;
      const { digest } = await client.uploadBlob(Buffer.from("rotation"));
      expect(await client.getBlobProperties(digest)).toEqual({ digest, sizeInBytes: 8 });
      expect(requestsFrom(start).map((r) => [r.user, r.status])).toEqual([[ALICE.user, 200]]);
    });

    it("shares one token request per scope between concurrent first calls", async () => {
      const image = await pushImage(clientOf(server.registry, PUBLIC_REPOSITORY, alice()), "concurrent");
      const client = clientOf(server.registry, PUBLIC_REPOSITORY);
      const start = server.tokens.requests.length;
      const results = await Promise.all(Array.from({ length: 8 }, () => client.getBlobProperties(image.layerDigest)));
      expect(results.every((result) => result.digest === image.layerDigest)).toBe(true);
      expect(requestsFrom(start).map((r) => r.scopes)).toEqual([[`repository:${PUBLIC_REPOSITORY}:pull`]]);
    });

    it("asks once for a push an anonymous client may not make, then surfaces the registry's 401 (insufficient_scope)", async () => {
      const start = server.tokens.requests.length;
      const error = await clientOf(server.registry, PUBLIC_REPOSITORY).uploadBlob(Buffer.from("anonymous push")).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ statusCode: 401, code: "UNAUTHORIZED" });
      const [request, ...more] = requestsFrom(start);
      expect(more).toEqual([]);
      expect(request!.scopes.join(" ")).toMatch(new RegExp(`^repository:${PUBLIC_REPOSITORY.replace("/", "\\/")}:(pull,push|push,pull)$`));
      expect(request!.granted).toEqual([{ type: "repository", name: PUBLIC_REPOSITORY, actions: ["pull"] }]);
    });

    it("replaces a token the registry rejects as expired: the next request on the route gets a new token and succeeds", async () => {
      const client = clientOf(server.registry, "expiry/app", alice());
      // The server hands out a token whose exp has passed (the registry's leeway too) while saying expires_in 300.
      server.tokens.faults.claims = { exp: Math.floor(Date.now() / 1000) - 120 };
      try {
        await expect(client.uploadBlob(Buffer.from("first"))).rejects.toMatchObject({ statusCode: 401 });
      } finally {
        server.tokens.faults.claims = undefined;
      }
      await server.registry.waitForLog(/token not to be used after/);
      const start = server.tokens.requests.length;
      const { digest } = await client.uploadBlob(Buffer.from("second"));
      expect(digest).toMatch(/^sha256:/);
      // The cached (expired) token was offered once, rejected with invalid_token, and replaced by one new token.
      expect(requestsFrom(start).map((r) => r.status)).toEqual([200]);
    });
  });
});
