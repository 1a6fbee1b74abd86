// The fault proxy's chaos preset against a tiny local server: every request drawn from a seeded
// generator, so the same seed gives the same faults at the same offsets.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type ChaosOptions, type RequestRecord } from "../utils/faultProxy.js";
import { pattern, startLocalServer, type LocalServer } from "./localServer.js";
import { call } from "./rawClient.js";

const SIZE = 64 * 1024;
const body = pattern(SIZE, 2);

describe("fault proxy: chaos", () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer(({ method }) => (method === "GET" ? { body } : { status: 202 }));
  });
  afterAll(() => server.stop());

  /** 120 requests in a fixed order, alternating a PATCH of SIZE bytes and a GET answering SIZE bytes. */
  async function run(chaos: ChaosOptions): Promise<RequestRecord[]> {
    const proxy = await startFaultProxy({ target: server.endpoint, chaos });
    // Keep-alive, as the library's clients: a fault that destroys a connection costs a new one.
    const agent = new http.Agent({ keepAlive: true });
    try {
      for (let i = 0; i < 60; i++) {
        await call(`${proxy.endpoint}/upload`, { method: "PATCH", body, agent });
        await call(`${proxy.endpoint}/blob`, { agent });
      }
      await proxy.settled();
      return proxy.requests;
    } finally {
      agent.destroy();
      await proxy.stop();
    }
  }
  const faults = (records: RequestRecord[]): string[] => records.map((record) => `${record.fault}@${record.faultAtByte}`);

  it("injects every kind at roughly its rate, offsets within the bodies, and the same seed replays the same faults", async () => {
    const chaos = { resetRate: 0.2, serverErrorRate: 0.2, throttleRate: 0.1, truncateRate: 0.1, seed: 5 };
    const records = await run(chaos);
    const kinds = new Map<string, number>();
    for (const record of records) kinds.set(record.fault, (kinds.get(record.fault) ?? 0) + 1);
    // 120 draws: expected 24 resets, 24 server errors, 12 throttles, 12 truncations (bounds: > 3 sigma).
    expect((kinds.get("reset-request") ?? 0) + (kinds.get("reset-response") ?? 0)).toBeGreaterThan(8);
    expect((kinds.get("error-before") ?? 0) + (kinds.get("error-after") ?? 0)).toBeGreaterThan(8);
    for (const kind of ["reset-request", "reset-response", "error-before", "error-after", "throttle"]) {
      expect(kinds.get(kind), kind).toBeGreaterThan(0);
    }
    expect(kinds.get("none")).toBeGreaterThan(30);
    for (const record of records) {
      if (record.fault === "reset-request") expect(record.forwardedBytes).toBe(record.faultAtByte);
      if (record.faultAtByte !== undefined) expect(record.faultAtByte).toBeLessThan(SIZE);
    }
    expect(records.filter((record) => record.fault === "throttle").every((record) => record.status === 429)).toBe(true);

    expect(faults(await run(chaos))).toEqual(faults(records));
    expect(faults(await run({ ...chaos, seed: 6 }))).not.toEqual(faults(records));
  });

  it("applies only to the requests match keeps", async () => {
    const records = await run({ serverErrorRate: 1, match: ({ method }) => method === "GET", seed: 1 });
    expect(records.filter((record) => record.method === "PATCH").every((record) => record.fault === "none")).toBe(true);
    expect(records.filter((record) => record.method === "GET").every((record) => record.fault.startsWith("error-"))).toBe(true);
  });

  it("refuses rates outside [0, 1] or adding up to more than 1", async () => {
    await expect(startFaultProxy({ target: server.endpoint, chaos: { resetRate: 1.5 } })).rejects.toThrow(RangeError);
    await expect(startFaultProxy({ target: server.endpoint, chaos: { resetRate: 0.6, serverErrorRate: 0.6 } })).rejects.toThrow(
      /add up to 1.2/,
    );
  });
});
