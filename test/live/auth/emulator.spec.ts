// The clients against the ACR emulator with ACR's username/password credentials: the admin user and a
// repository-scoped token (AzureNamedKeyCredential), and what `az acr login` leaves in Docker's config
// (DockerConfigCredential with an identity token). The metadata API works with all of them.
import { AzureNamedKeyCredential } from "@azure/core-auth";
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../../src/emulator/index.js";
import { ContainerRegistryClient, DockerConfigCredential } from "../../../src/index.js";
import { writeDockerConfig } from "../../utils/dockerConfig.js";
import { clientOf, expectPullable, pushImage } from "./support.js";

describe("ACR credentials against the emulator", () => {
  let emulator: AcrEmulator;
  const tokenRequests = (method: string) => emulator.requestLog.filter((entry) => entry.path === "/oauth2/token" && entry.method === method);
  beforeAll(async () => {
    emulator = await startAcrEmulator({
      adminUser: { username: "emulated", password: "admin-pass" },
      repositoryTokens: [{ username: "ci-reader", password: "reader-pass", access: ["repository:team/app:pull,metadata_read"] }],
    });
  });
  afterAll(() => emulator?.close());

  it("the admin user pushes, pulls and reads metadata with Basic GETs of /oauth2/token, never the Entra exchange", async () => {
    emulator.clearRequestLog();
    const admin = new AzureNamedKeyCredential("emulated", "admin-pass");
    const image = await pushImage(clientOf(emulator, "team/app", admin), "v1");
    await expectPullable(clientOf(emulator, "team/app", admin), "v1", image);
    const metadata = new ContainerRegistryClient(emulator.endpoint, admin);
    expect((await metadata.getRepository("team/app").getProperties()).tagCount).toBe(1);
    expect(tokenRequests("GET").length).toBeGreaterThan(0);
    expect(tokenRequests("GET").every((entry) => entry.status === 200)).toBe(true);
    expect(emulator.countRequests({ path: "/oauth2/exchange" }) + tokenRequests("POST").length).toBe(0);
  });

  it("a repository-scoped token reads its repository and is refused a push with a RestError 401", async () => {
    const reader = new AzureNamedKeyCredential("ci-reader", "reader-pass");
    expect((await clientOf(emulator, "team/app", reader).getManifest("v1")).digest).toMatch(/^sha256:/);
    await expect(clientOf(emulator, "team/app", reader).uploadBlob(Buffer.from("no"))).rejects.toMatchObject({ statusCode: 401, code: "UNAUTHORIZED" });
  });

  it("a wrong admin password is a RestError 401 after exactly one token request", async () => {
    emulator.clearRequestLog();
    const error = await clientOf(emulator, "team/app", new AzureNamedKeyCredential("emulated", "wrong")).getManifest("v1").catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "RestError", statusCode: 401, code: "UNAUTHORIZED" });
    expect(tokenRequests("GET").map((entry) => entry.status)).toEqual([401]);
  });

  it("DockerConfigCredential uses az acr login's identity token through the refresh grant, for content and metadata", async () => {
    const config = writeDockerConfig();
    writeFileSync(config.configPath, JSON.stringify(emulator.dockerLoginConfig()));
    const credential = new DockerConfigCredential({ configPath: config.configPath });
    emulator.clearRequestLog();
    const image = await pushImage(clientOf(emulator, "team/docker", credential), "v1");
    await expectPullable(clientOf(emulator, "team/docker", credential), "v1", image);
    const repository = new ContainerRegistryClient(emulator.endpoint, credential).getRepository("team/docker");
    expect((await repository.updateProperties({ canDelete: false })).canDelete).toBe(false);
    expect(tokenRequests("POST").length).toBeGreaterThan(0);
    expect(tokenRequests("POST").every((entry) => entry.status === 200)).toBe(true);
    expect(tokenRequests("GET")).toEqual([]);
  });
});
