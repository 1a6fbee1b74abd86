import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("emulator: command line", () => {
  it("prints the endpoint, the dev token and the admin user, serves (a Basic token for the admin user), and stops cleanly on SIGTERM", async () => {
    const tsx = join(process.cwd(), "node_modules", ".bin", "tsx");
    const child = spawn(tsx, ["src/emulator/cli.ts", "--port", "0", "--service", "cli.azurecr.io", "--admin-user", "cli:pass:word"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      while (!/dev token/.test(output)) await once(child.stdout, "data");
      const endpoint = /listening on (\S+)/.exec(output)![1]!;
      expect(output).toContain("acr-emulator-dev-token");
      const response = await fetch(`${endpoint}/v2/`);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain('service="cli.azurecr.io"');
      expect(output).toContain("admin user: cli\n");
      const basic = `Basic ${Buffer.from("cli:pass:word").toString("base64")}`;
      const token = await fetch(`${endpoint}/oauth2/token?service=cli.azurecr.io&scope=repository:a:push`, { headers: { Authorization: basic } });
      expect(token.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });
});
