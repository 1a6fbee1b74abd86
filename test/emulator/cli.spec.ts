import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("emulator: command line", () => {
  it("prints the endpoint and the dev token, serves, and stops cleanly on SIGTERM", async () => {
    const tsx = join(process.cwd(), "node_modules", ".bin", "tsx");
    const child = spawn(tsx, ["src/emulator/cli.ts", "--port", "0", "--service", "cli.azurecr.io"], {
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
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });
});
