import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../utils/registry.js";
import type { ResourceAccess } from "../utils/registryToken.js";
import { startTokenServer, type RunningTokenServer } from "../utils/tokenServer.js";
import { basic, bearer, request, type PlainResponse } from "./support.js";

const PASSWORD = "alice's secret";

describe.skipIf(!distributionRegistryAvailable())("registry with token auth (needs docker-registry)", () => {
  describe.each([false, true])("tls %s", (tls) => {
    let tokens: RunningTokenServer;
    let registry: RunningRegistry;

    beforeAll(async () => {
      tokens = await startTokenServer({
        tls,
        users: { alice: PASSWORD },
        rules: [
          { name: "public/app", actions: ["pull"] },
          { users: ["alice"], name: "public/app", actions: ["pull", "push"] },
        ],
      });
      registry = await startDistributionRegistry({ tls, tokenAuth: tokens });
    });
    afterAll(async () => {
      await registry?.stop();
      await tokens?.stop();
    });

    const toRegistry = (path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}) =>
      request(`${registry.endpoint}${path}`, { ...options, ca: registry.caCert });
    const tokenFor = async (scope: string, headers?: Record<string, string>): Promise<string> => {
      const response = await request(`${tokens.realm}?service=${tokens.service}&scope=${scope}`, { headers, ca: tokens.caCert });
      expect(response.status).toBe(200);
      return JSON.parse(response.body).token as string;
    };
    const startUpload = (token?: string): Promise<PlainResponse> =>
      toRegistry("/v2/public/app/blobs/uploads/", { method: "POST", headers: token ? bearer(token) : {} });

    it("challenges with Bearer realm and service, adding the route's scope on repository routes", async () => {
      const base = await toRegistry("/v2/");
      expect(base.status).toBe(401);
      expect(base.headers["www-authenticate"]).toBe(`Bearer realm="${tokens.realm}",service="${tokens.service}"`);
      const upload = await startUpload();
      const [challenge, actions] = /^(.*),scope="repository:public\/app:([a-z,]+)"$/.exec(upload.headers["www-authenticate"]!)!.slice(1);
      expect(challenge).toBe(`Bearer realm="${tokens.realm}",service="${tokens.service}"`);
      // Distribution lists the actions in no fixed order (pull,push or push,pull).
      expect(actions!.split(",").sort()).toEqual(["pull", "push"]);
    });

    it("refuses an anonymous push (insufficient_scope) and takes alice's token for a push an anonymous token pulls", async () => {
      const anonymous = await startUpload(await tokenFor("repository:public/app:pull,push"));
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers["www-authenticate"]).toMatch(/,error="insufficient_scope"$/);

      const alice = await tokenFor("repository:public/app:pull,push", basic("alice", PASSWORD));
      const started = await startUpload(alice);
      expect(started.status).toBe(202);
      const blob = Buffer.from(randomBytes(256).toString("hex"));
      const digest = `sha256:${createHash("sha256").update(blob).digest("hex")}`;
      const location = new URL(started.headers.location!, registry.endpoint);
      location.searchParams.set("digest", digest);
      const put = await request(location.toString(), { method: "PUT", headers: bearer(alice), body: blob, ca: registry.caCert });
      expect(put.status).toBe(201);

      const pulled = await toRegistry(`/v2/public/app/blobs/${digest}`, { headers: bearer(await tokenFor("repository:public/app:pull")) });
      expect(pulled.status).toBe(200);
      expect(pulled.body).toBe(blob.toString("utf8"));
      expect(pulled.headers["docker-content-digest"]).toBe(digest);
    });

    it("takes a token that names its key by libtrust kid only", async () => {
      tokens.policy.keyIdentification = "kid";
      try {
        expect((await startUpload(await tokenFor("repository:public/app:pull,push", basic("alice", PASSWORD)))).status).toBe(202);
      } finally {
        tokens.policy.keyIdentification = "x5c";
      }
    });

    it("refuses tokens with another issuer, audience, an expiry past the leeway or an untrusted signer, logging why", async () => {
      const access: ResourceAccess[] = [{ type: "repository", name: "public/app", actions: ["pull", "push"] }];
      const now = Math.floor(Date.now() / 1000);
      const cases: Array<[() => string, RegExp]> = [
        [() => tokens.issueToken("alice", access, "another-service"), /token intended for another audience: \\"another-service\\"/],
        [() => ((tokens.faults.claims = { iss: "impostor" }), tokens.issueToken("alice", access)), /token from untrusted issuer: \\"impostor\\"/],
        [() => ((tokens.faults.claims = { exp: now - 120 }), tokens.issueToken("alice", access)), /token not to be used after/],
        [() => ((tokens.faults.untrustedSigner = true), tokens.issueToken("alice", access)), /unable to verify certificate chain/],
      ];
      for (const [issue, reason] of cases) {
        const token = issue();
        tokens.faults.claims = undefined;
        tokens.faults.untrustedSigner = false;
        const refused = await startUpload(token);
        expect(refused.status).toBe(401);
        expect(refused.headers["www-authenticate"]).toMatch(/,error="invalid_token"$/);
        expect(await registry.waitForLog(reason)).toMatch(/level=info/);
      }
      // The same claims, issued properly, pass: the refusals above are about the faults alone.
      expect((await startUpload(tokens.issueToken("alice", access))).status).toBe(202);
    });
  });

  it("refuses htpasswd and tokenAuth together", async () => {
    const tokenAuth = { realm: "http://127.0.0.1:1/token", service: "s", issuer: "i", rootCertBundlePath: "/nonexistent" };
    await expect(startDistributionRegistry({ htpasswd: { user: "u", password: "p" }, tokenAuth })).rejects.toThrow(/not both/);
  });
});

describe.skipIf(!distributionRegistryAvailable())("registry with htpasswd (needs docker-registry)", () => {
  it.each([false, true])("asks for Basic credentials and takes the bcrypt-stored password (tls %s)", async (tls) => {
    const registry = await startDistributionRegistry({ tls, htpasswd: { user: "bob", password: "pa:ss word" } });
    try {
      const anonymous = await request(`${registry.endpoint}/v2/`, { ca: registry.caCert });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers["www-authenticate"]).toBe('Basic realm="basic-realm"');
      expect((await request(`${registry.endpoint}/v2/`, { headers: basic("bob", "pa:ss word"), ca: registry.caCert })).status).toBe(200);
      expect((await request(`${registry.endpoint}/v2/`, { headers: basic("bob", "pa:ss"), ca: registry.caCert })).status).toBe(401);
    } finally {
      await registry.stop();
    }
  });
});
