import { describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulatorOptions } from "../../src/emulator/index.js";

describe("emulator: options", () => {
  it("rejects invalid options with TypeError or RangeError", async () => {
    const cases: Array<[AcrEmulatorOptions, ErrorConstructor, RegExp]> = [
      [{ port: -1 }, RangeError, /port must be a positive integer/],
      [{ port: "5000" as unknown as number }, TypeError, /port must be a number/],
      [{ devToken: "" }, TypeError, /devToken must be a non-empty string/],
      [{ maxPageSize: 0 }, RangeError, /maxPageSize must be a positive integer/],
      [{ accessTokenLifetimeSeconds: 1.5 }, RangeError, /accessTokenLifetimeSeconds must be a positive integer/],
      [{ refreshTokenLifetimeSeconds: 0 }, RangeError, /refreshTokenLifetimeSeconds must be a positive integer/],
    ];
    for (const [options, type, message] of cases) {
      await expect(startAcrEmulator(options), JSON.stringify(options)).rejects.toThrow(type);
      await expect(startAcrEmulator(options)).rejects.toThrow(message);
    }
  });

  it("checks every option before it listens: a refused start leaves its port free", async () => {
    const probe = await startAcrEmulator();
    const { port } = probe;
    await probe.close();
    await expect(startAcrEmulator({ port, maxPageSize: 0 })).rejects.toThrow(RangeError);
    const emulator = await startAcrEmulator({ port });
    try {
      expect(emulator.port).toBe(port);
      expect((await fetch(`${emulator.endpoint}/v2/`)).status).toBe(401);
    } finally {
      await emulator.close();
    }
  });
});
