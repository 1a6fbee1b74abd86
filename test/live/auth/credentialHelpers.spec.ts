// Docker credential helpers (`credHelpers.<host>`, `credsStore`): a real `docker-credential-test` program on
// PATH, asked with the `get` protocol for the token-auth registry's credentials.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerConfigCredential, DockerCredentialError } from "../../../src/index.js";
import { writeCredentialHelper, type CredentialHelper } from "../../utils/credentialHelper.js";
import { writeDockerConfig, type DockerConfigOptions } from "../../utils/dockerConfig.js";
import { distributionRegistryAvailable } from "../../utils/registry.js";
import { SKIP_MESSAGE } from "../content/support.js";
import { ALICE, clientOf, pushImage, startTokenAuthRegistry, type TokenAuthRegistry } from "./support.js";

describe.skipIf(!distributionRegistryAvailable())(`Docker credential helpers (${SKIP_MESSAGE})`, () => {
  let server: TokenAuthRegistry;
  let helper: CredentialHelper;
  let path: string | undefined;
  beforeAll(async () => {
    server = await startTokenAuthRegistry();
    helper = writeCredentialHelper({ credentials: { [server.registry.host]: { username: ALICE.user, secret: ALICE.password } } });
    path = process.env.PATH;
    process.env.PATH = helper.env.PATH;
  });
  afterAll(async () => {
    process.env.PATH = path;
    helper?.remove();
    await server?.stop();
  });
  const credentialFor = (options: DockerConfigOptions) => new DockerConfigCredential({ configPath: writeDockerConfig(options).configPath });

  it.each<[string, () => DockerConfigOptions]>([
    ["credHelpers.<host>", () => ({ entries: [{ kind: "credHelper", host: server.registry.host, helper: "test" }] })],
    ["credsStore", () => ({ credsStore: "test" })],
  ])("asks the helper named by %s with the registry's host on stdin, and pushes with the password it answers", async (_name, configFor) => {
    const config = configFor();
    const calls = helper.calls().length;
    const start = server.tokens.requests.length;
    await pushImage(clientOf(server.registry, "helper/app", credentialFor(config)), "v1");
    const asked = helper.calls().slice(calls);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((call) => call.verb === "get" && call.serverUrl === server.registry.host && call.exitCode === 0)).toBe(true);
    expect(server.tokens.requests.slice(start).every((r) => r.user === ALICE.user && r.method === "GET")).toBe(true);
  });

  it("takes a <token> user's secret as an identity token (OAuth2 refresh grant)", async () => {
    helper.setCredentials(server.registry.host, { username: "<token>", secret: server.tokens.issueRefreshToken(ALICE.user) });
    try {
      const start = server.tokens.requests.length;
      await pushImage(clientOf(server.registry, "helper/identity", credentialFor({ credsStore: "test" })), "v1");
      expect(server.tokens.requests.slice(start).every((r) => r.method === "POST" && r.form?.grant_type?.[0] === "refresh_token" && r.user === ALICE.user)).toBe(
        true,
      );
    } finally {
      helper.setCredentials(server.registry.host, { username: ALICE.user, secret: ALICE.password });
    }
  });

  it("fails with a DockerCredentialError naming a helper that is not on PATH, before any token request", async () => {
    const start = server.tokens.requests.length;
    const error = await clientOf(server.registry, "helper/app", credentialFor({ credsStore: "missing" })).getManifest("v1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerCredentialError);
    expect(error).toMatchObject({ code: "CredentialHelperNotFound", helper: "docker-credential-missing" });
    expect((error as Error).message).toContain("docker-credential-missing was not found on PATH");
    expect(server.tokens.requests.slice(start)).toEqual([]);
  });

  it("fails with a DockerCredentialError carrying the helper's exit code and message when it fails", async () => {
    helper.failWith(3, "keychain locked");
    try {
      const error = await credentialFor({ credsStore: "test" }).getCredentials(server.registry.host).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "DockerCredentialError", code: "CredentialHelperFailed", helper: "docker-credential-test" });
      expect((error as Error).message).toBe("The Docker credential helper docker-credential-test failed (exit code 3): keychain locked");
    } finally {
      helper.recover();
    }
  });

  it("is anonymous for a host the helper holds nothing for (its 'credentials not found' answer)", async () => {
    expect(await credentialFor({ credsStore: "test" }).getCredentials("unknown.example:5000")).toBeUndefined();
    expect(helper.calls().at(-1)).toEqual({ verb: "get", serverUrl: "unknown.example:5000", exitCode: 1 });
  });

  it("asks for Docker Hub as https://index.docker.io/v1/, whatever alias the registry is named by", async () => {
    const credential = credentialFor({ credsStore: "test" });
    for (const alias of ["docker.io", "registry-1.docker.io", "https://index.docker.io"]) {
      await credential.getCredentials(alias);
      expect(helper.calls().at(-1)!.serverUrl).toBe("https://index.docker.io/v1/");
    }
  });
});
