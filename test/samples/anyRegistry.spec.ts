// The "any registry" sample against the CNCF registry with token auth: in TypeScript with a username and
// password, in JavaScript with a Docker config holding `auths.<host>.auth` (emulator.spec.ts runs it
// against the ACR emulator with the Docker config `az acr login` writes).
import { AzureNamedKeyCredential } from "@azure/core-auth";
import { afterAll, beforeAll, describe, it } from "vitest";
import { ContainerRegistryContentClient } from "../../src/index.js";
import { writeDockerConfig } from "../utils/dockerConfig.js";
import { distributionRegistryAvailable } from "../utils/registry.js";
import { ALICE, startTokenAuthRegistry, type TokenAuthRegistry } from "../utils/tokenAuthRegistry.js";
import { runSample, type SampleLanguage } from "./helpers.js";

describe.skipIf(!distributionRegistryAvailable())("anyRegistry sample against the token-auth CNCF registry", () => {
  let server: TokenAuthRegistry;
  beforeAll(async () => {
    server = await startTokenAuthRegistry();
  });
  afterAll(() => server?.stop());

  const runs: Array<[SampleLanguage, string, () => Record<string, string>]> = [
    ["typescript", "a username and password", () => ({ CONTAINER_REGISTRY_USERNAME: ALICE.user, CONTAINER_REGISTRY_PASSWORD: ALICE.password })],
    [
      "javascript",
      "a Docker config",
      () => ({ DOCKER_CONFIG: writeDockerConfig({ entries: [{ kind: "auth", host: server.registry.host, username: ALICE.user, password: ALICE.password }] }).dir }),
    ],
  ];
  describe.concurrent.each(runs)("%s", (language, kind, credentials) => {
    it(`pushes and pulls with ${kind}, and the registry holds what it pushed`, async ({ expect }) => {
      const { host, endpoint } = server.registry;
      const repository = `samples/${language}`;
      const run = await runSample(language, "anyRegistry", { CONTAINER_REGISTRY_IMAGE: `${host}/${repository}:v1`, CONTAINER_REGISTRY_ENDPOINT: endpoint, ...credentials() });
      expect(run.stderr).toBe("");
      expect(run.exitCode).toBe(0);
      const digest = new RegExp(`^Pushed ${host}/${repository}:v1 as (sha256:[0-9a-f]{64})$`).exec(run.lines[0] ?? "")?.[1];
      expect(run.lines[1]).toBe(`Pulled ${digest}: Hello from ${host}`);
      const client = new ContainerRegistryContentClient(endpoint, repository, new AzureNamedKeyCredential(ALICE.user, ALICE.password));
      expect((await client.getManifest("v1")).digest).toBe(digest);
      // Distribution lists the challenged actions in no fixed order.
      const push = new RegExp(`^repository:${repository.replace("/", "\\/")}:(pull,push|push,pull)$`);
      expect(server.tokens.requests.some((request) => request.user === ALICE.user && request.scopes.some((scope) => push.test(scope)))).toBe(true);
    });
  });
});
