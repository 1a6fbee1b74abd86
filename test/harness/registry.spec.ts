import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../utils/registry.js";
import { send } from "./pipelineSend.js";

const started: RunningRegistry[] = [];

/** Running, as opposed to gone or a zombie waiting for init to reap it. */
function processAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function start(options?: Parameters<typeof startDistributionRegistry>[0]): Promise<RunningRegistry> {
  const registry = await startDistributionRegistry(options);
  started.push(registry);
  return registry;
}

describe.skipIf(!distributionRegistryAvailable())("startDistributionRegistry (needs /usr/bin/docker-registry)", () => {
  afterEach(async () => {
    await Promise.all(started.splice(0).map((registry) => registry.stop()));
  });

  it("serves the distribution API over http on an ephemeral port", async () => {
    const registry = await start();
    expect(registry.endpoint).toBe(`http://127.0.0.1:${registry.port}`);
    expect(registry.host).toBe(`127.0.0.1:${registry.port}`);
    const response = await send(`${registry.endpoint}/v2/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
  });

  it("runs registries side by side, each with its own storage", async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.port).not.toBe(b.port);
    expect(a.dataDir).not.toBe(b.dataDir);
  });

  it("serves https with a certificate the returned CA verifies, and is refused without that CA", async () => {
    const registry = await start({ tls: true });
    expect(registry.endpoint).toBe(`https://127.0.0.1:${registry.port}`);
    expect(registry.caCert).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(existsSync(registry.caCertPath!)).toBe(true);
    const trusted = await send(`${registry.endpoint}/v2/`, { tlsSettings: { ca: registry.caCert } });
    expect(trusted.status).toBe(200);
    const viaLocalhost = await send(`https://localhost:${registry.port}/v2/`, { tlsSettings: { ca: registry.caCert } });
    expect(viaLocalhost.status).toBe(200);
    await expect(send(`${registry.endpoint}/v2/`)).rejects.toThrow(/self-signed certificate/);
  });

  it("reuses one certificate per process", async () => {
    const [a, b] = await Promise.all([start({ tls: true }), start({ tls: true })]);
    expect(a.caCertPath).toBe(b.caCertPath);
  });

  it("returns absolute upload Locations by default and relative ones with relativeUrls", async () => {
    const absolute = await start();
    const relative = await start({ relativeUrls: true });
    const first = await send(`${absolute.endpoint}/v2/hello/blobs/uploads/`, { method: "POST" });
    expect(first.status).toBe(202);
    expect(first.headers.get("location")).toMatch(new RegExp(`^http://${absolute.host}/v2/hello/blobs/uploads/`));
    const second = await send(`${relative.endpoint}/v2/hello/blobs/uploads/`, { method: "POST" });
    expect(second.headers.get("location")).toMatch(/^\/v2\/hello\/blobs\/uploads\//);
  });

  it("asks for Basic credentials with htpasswd", async () => {
    const registry = await start({ htpasswd: { user: "alice", password: "s3cret pass" } });
    const anonymous = await send(`${registry.endpoint}/v2/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="basic-realm"');
    const basic = (credentials: string) => ({ headers: { Authorization: `Basic ${Buffer.from(credentials).toString("base64")}` } });
    expect((await send(`${registry.endpoint}/v2/`, basic("alice:s3cret pass"))).status).toBe(200);
    expect((await send(`${registry.endpoint}/v2/`, basic("alice:wrong"))).status).toBe(401);
  });

  it("enables deletes by default and can turn them off", async () => {
    const digest = `sha256:${"0".repeat(64)}`;
    const enabled = await start();
    const disabled = await start({ deleteEnabled: false });
    expect((await send(`${enabled.endpoint}/v2/a/blobs/${digest}`, { method: "DELETE" })).status).toBe(404);
    expect((await send(`${disabled.endpoint}/v2/a/blobs/${digest}`, { method: "DELETE" })).status).toBe(405);
  });

  it("stops, idempotently: the process exits and the storage folder goes", async () => {
    const registry = await start();
    await send(`${registry.endpoint}/v2/x/blobs/uploads/`, { method: "POST" });
    expect(existsSync(registry.dataDir)).toBe(true);
    expect(processAlive(registry.pid)).toBe(true);
    await registry.stop();
    await registry.stop();
    expect(existsSync(path.dirname(registry.dataDir))).toBe(false);
    // The pid, not the port: another test may have bound the freed port already.
    expect(processAlive(registry.pid)).toBe(false);
  });

  it("kills a registry its process forgot to stop, and removes its storage, when that process exits", () => {
    const script = [
      `import { startDistributionRegistry } from ${JSON.stringify(path.resolve("test/utils/registry.ts"))};`,
      "const registry = await startDistributionRegistry();",
      "console.log(JSON.stringify({ pid: registry.pid, dataDir: registry.dataDir }));",
      "throw new Error('a failing test');",
    ].join("\n");
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(child.status).not.toBe(0);
    const { pid, dataDir } = JSON.parse(child.stdout) as { pid: number; dataDir: string };
    expect(existsSync(dataDir)).toBe(false);
    expect(processAlive(pid)).toBe(false);
  });
});
