// DefaultAzureCredential obtains the emulator's dev token through its managed identity endpoint, so
// code written for a real registry (samples, applications) runs against the emulator unchanged.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";

describe("managed identity endpoint", () => {
  let emulator: AcrEmulator;
  beforeAll(async () => {
    emulator = await startAcrEmulator();
  });
  afterAll(() => emulator?.close());

  it("answers the App Service protocol only with the right identity header", async () => {
    const { IDENTITY_ENDPOINT, IDENTITY_HEADER } = emulator.managedIdentityEnvironment;
    const url = `${IDENTITY_ENDPOINT}?resource=https%3A%2F%2Fcontainerregistry.azure.net&api-version=2019-08-01`;
    const ok = await fetch(url, { headers: { "X-IDENTITY-HEADER": IDENTITY_HEADER } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, string>;
    expect(body).toMatchObject({ access_token: emulator.devToken, resource: "https://containerregistry.azure.net", token_type: "Bearer" });
    expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000);
    expect((await fetch(url, { headers: { "X-IDENTITY-HEADER": "wrong" } })).status).toBe(401);
  });

  it("lets DefaultAzureCredential (in a process configured by environment only) get the dev token", async () => {
    const script = `
      const { DefaultAzureCredential } = await import("@azure/identity");
      const token = await new DefaultAzureCredential().getToken("https://containerregistry.azure.net/.default");
      process.stdout.write(token.token);`;
    // Asynchronously: the emulator runs in this process and must keep serving while the child runs.
    const child = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...emulator.managedIdentityEnvironment },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(child.stderr).toBe("");
    expect(child.stdout).toBe(emulator.devToken);
  });
});
