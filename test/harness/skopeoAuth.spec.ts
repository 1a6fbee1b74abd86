import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCredentialHelper } from "../utils/credentialHelper.js";
import { writeDockerConfig } from "../utils/dockerConfig.js";
import { makeTempDir } from "../utils/processCleanup.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../utils/registry.js";
import {
  caCertDir,
  dockerReference,
  ociReference,
  readOciLayout,
  skopeoAvailable,
  skopeoCopy,
  writeOciLayout,
  type OciLayoutImage,
  type SkopeoCopyOptions,
} from "../utils/skopeo.js";
import { startTokenServer, type RunningTokenServer } from "../utils/tokenServer.js";
import { freshImage } from "./support.js";

const PASSWORD = "alice's secret";

describe.skipIf(!skopeoAvailable() || !distributionRegistryAvailable())(
  "skopeo through a token-auth registry (needs skopeo and docker-registry)",
  () => {
    describe.each([false, true])("tls %s", (tls) => {
      let tokens: RunningTokenServer;
      let registry: RunningRegistry;
      let pushed: OciLayoutImage;
      let remote: string;
      // With TLS, the cert dirs turn verification on (registry and token realm share the certificate).
      let trust: Pick<SkopeoCopyOptions, "srcCertDir" | "destCertDir">;

      beforeAll(async () => {
        tokens = await startTokenServer({ tls, users: { alice: PASSWORD }, rules: [{ users: ["alice"], name: /^team\//, actions: ["*"] }] });
        registry = await startDistributionRegistry({ tls, tokenAuth: tokens });
        const certDir = tls ? caCertDir(registry.caCert!) : undefined;
        trust = { srcCertDir: certDir, destCertDir: certDir };
        const source = makeTempDir("acr-test-layout-");
        pushed = await writeOciLayout(source, freshImage(), "v1");
        remote = dockerReference(registry.host, "team/app", "v1");
        await skopeoCopy(ociReference(source, "v1"), remote, { ...trust, destCreds: `alice:${PASSWORD}` });
      });
      afterAll(async () => {
        await registry?.stop();
        await tokens?.stop();
      });

      /** Pulls `remote` with `options`, checks it is the pushed image, and returns the token requests it made. */
      async function pull(options: SkopeoCopyOptions): Promise<RunningTokenServer["requests"]> {
        const before = tokens.requests.length;
        const copy = makeTempDir("acr-test-layout-");
        await skopeoCopy(remote, ociReference(copy, "pulled"), { ...trust, ...options });
        expect(await readOciLayout(copy, "pulled")).toEqual(pushed);
        return tokens.requests.slice(before);
      }

      it("pushed with --dest-creds: one Basic GET for alice with pull,push", () => {
        expect(tokens.requests[0]).toMatchObject({
          method: "GET",
          basicUser: "alice",
          user: "alice",
          scopes: ["repository:team/app:pull,push"],
          status: 200,
        });
      });

      it("pulls with --src-creds, and fails with unauthorized on a wrong password", async () => {
        expect(await pull({ srcCreds: `alice:${PASSWORD}` })).toMatchObject([{ user: "alice", scopes: ["repository:team/app:pull"] }]);
        await expect(pull({ srcCreds: "alice:wrong" })).rejects.toThrow(/invalid username\/password: unauthorized/);
      });

      it("pulls with --authfile holding auths.<host>.auth, and with DOCKER_CONFIG pointing at the same file", async () => {
        const config = writeDockerConfig({ entries: [{ kind: "auth", host: registry.host, username: "alice", password: PASSWORD }] });
        expect(await pull({ authFile: config.configPath })).toMatchObject([{ method: "GET", user: "alice" }]);
        expect(await pull({ env: config.env })).toMatchObject([{ method: "GET", user: "alice" }]);
      });

      it("pulls with an identitytoken through the OAuth2 refresh grant, and no longer once it is revoked", async () => {
        const refreshToken = tokens.issueRefreshToken("alice");
        const config = writeDockerConfig({ entries: [{ kind: "identityToken", host: registry.host, identityToken: refreshToken, username: "alice" }] });
        const [exchange] = await pull({ authFile: config.configPath });
        expect(exchange).toMatchObject({
          method: "POST",
          basic: false,
          user: "alice",
          form: { grant_type: ["refresh_token"], refresh_token: ["<redacted>"], service: [tokens.service], client_id: ["containers/image"] },
        });
        tokens.revokeRefreshToken(refreshToken);
        await expect(pull({ authFile: config.configPath })).rejects.toThrow(/skopeo copy .* failed/);
        expect(tokens.requests.at(-1)).toMatchObject({ method: "POST", status: 400 });
      });

      it("pulls with credHelpers.<host>, asking the helper on PATH for exactly the registry host", async () => {
        const helper = writeCredentialHelper({ name: "harness", credentials: { [registry.host]: { username: "alice", secret: PASSWORD } } });
        const config = writeDockerConfig({ entries: [{ kind: "credHelper", host: registry.host, helper: "harness" }] });
        expect(await pull({ authFile: config.configPath, env: helper.env })).toMatchObject([{ user: "alice" }]);
        expect(helper.calls()).toEqual([{ verb: "get", serverUrl: registry.host, exitCode: 0 }]);
      });
    });
  },
);
