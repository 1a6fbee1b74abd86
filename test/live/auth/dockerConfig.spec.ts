// DockerConfigCredential reading real Docker config folders (`auth`, `username`/`password`, `identitytoken`)
// against the token-auth registry and the htpasswd registry.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerConfigCredential } from "../../../src/index.js";
import { writeDockerConfig } from "../../utils/dockerConfig.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../../utils/registry.js";
import { BASIC_USER, SKIP_MESSAGE } from "../content/support.js";
import { ALICE, clientOf, expectPullable, pushImage, PUBLIC_REPOSITORY, startTokenAuthRegistry, type TokenAuthRegistry } from "./support.js";

describe.skipIf(!distributionRegistryAvailable())(`DockerConfigCredential (${SKIP_MESSAGE})`, () => {
  let server: TokenAuthRegistry;
  let basicRegistry: RunningRegistry;
  beforeAll(async () => {
    server = await startTokenAuthRegistry();
    basicRegistry = await startDistributionRegistry({ htpasswd: BASIC_USER });
  });
  afterAll(async () => {
    await server?.stop();
    await basicRegistry?.stop();
  });
  const requestsSince = (start: number) => server.tokens.requests.slice(start);

  it("uses auths.<host>.auth (base64 user:password) for the token realm's Basic GET", async () => {
    const config = writeDockerConfig({ entries: [{ kind: "auth", host: server.registry.host, username: ALICE.user, password: ALICE.password }] });
    const start = server.tokens.requests.length;
    await pushImage(clientOf(server.registry, "docker/auth", new DockerConfigCredential({ configPath: config.configPath })), "v1");
    expect(requestsSince(start).every((r) => r.method === "GET" && r.user === ALICE.user)).toBe(true);
  });

  it("uses auths.<host>.username and .password as Basic credentials of an htpasswd registry, under a key with scheme and path", async () => {
    const key = `http://${basicRegistry.host}/v2/`;
    const config = writeDockerConfig({ entries: [{ kind: "usernamePassword", host: key, username: BASIC_USER.user, password: BASIC_USER.password }] });
    const client = clientOf(basicRegistry, "docker/fields", new DockerConfigCredential({ configPath: config.configPath }));
    await expectPullable(client, "v1", await pushImage(client, "v1"));
  });

  it("reads $DOCKER_CONFIG/config.json by default", async () => {
    const config = writeDockerConfig({ entries: [{ kind: "auth", host: server.registry.host, username: ALICE.user, password: ALICE.password }] });
    const previous = process.env.DOCKER_CONFIG;
    process.env.DOCKER_CONFIG = config.dir;
    try {
      const credential = new DockerConfigCredential();
      expect(credential.configPath).toBe(path.join(config.dir, "config.json"));
      expect(await credential.getCredentials(server.registry.host)).toEqual({ username: ALICE.user, password: ALICE.password });
    } finally {
      if (previous === undefined) delete process.env.DOCKER_CONFIG;
      else process.env.DOCKER_CONFIG = previous;
    }
  });

  it("is anonymous for a registry the config holds nothing for", async () => {
    const start = server.tokens.requests.length;
    const config = writeDockerConfig({ entries: [{ kind: "auth", host: "elsewhere.example", username: "u", password: "p" }] });
    const error = await clientOf(server.registry, PUBLIC_REPOSITORY, new DockerConfigCredential({ configPath: config.configPath })).getManifest("missing").catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 404, code: "MANIFEST_UNKNOWN" });
    expect(requestsSince(start).map((r) => [r.method, r.basic, r.user])).toEqual([["GET", false, undefined]]);
  });

  it("trades an identitytoken for tokens with the OAuth2 refresh grant, fails once it is revoked, and takes a new one without a new client", async () => {
    const config = writeDockerConfig({ entries: [{ kind: "identityToken", host: server.registry.host, identityToken: server.tokens.issueRefreshToken(ALICE.user), username: "<token>" }] });
    const client = clientOf(server.registry, "docker/identity", new DockerConfigCredential({ configPath: config.configPath }));
    let start = server.tokens.requests.length;
    const image = await pushImage(client, "v1");
    const grants = requestsSince(start);
    expect(grants.length).toBeGreaterThan(0);
    for (const grant of grants) {
      expect(grant).toMatchObject({ method: "POST", basic: false, user: ALICE.user, status: 200 });
      expect(grant.form).toMatchObject({ grant_type: ["refresh_token"], refresh_token: ["<redacted>"], service: [server.tokens.service], client_id: ["azsdk-js-container-registry"] });
    }

    server.tokens.revokeRefreshToken(config.config.auths![server.registry.host]!.identitytoken!);
    start = server.tokens.requests.length;
    const error = await client.deleteManifest(image.manifestDigest).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "RestError", statusCode: 400, code: "invalid_grant" });
    expect((error as Error).message).toContain("unknown or revoked refresh token");
    expect(requestsSince(start)).toHaveLength(1);

    // A new login writes a new identity token into the same file: the next token request reads it.
    const renewed = { auths: { [server.registry.host]: { identitytoken: server.tokens.issueRefreshToken(ALICE.user) } } };
    writeFileSync(config.configPath, JSON.stringify(renewed));
    await client.deleteManifest(image.manifestDigest);
    await expect(client.getManifest(image.manifestDigest)).rejects.toMatchObject({ statusCode: 404 });
  });
});
