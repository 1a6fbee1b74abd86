// The fault proxy's request-body faults, proven against a tiny local server: what reached the server,
// byte for byte, and what the client and the proxy's record saw.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { seededRandom, type FaultProxy, type FaultRule } from "../utils/faultProxy.js";
import { pattern, sha256 } from "./localServer.js";
import { proxyFixture } from "./proxyFixture.js";
import { call } from "./rawClient.js";

const MiB = 1024 * 1024;
const body = pattern(MiB, 3);
const patch = { method: "PATCH", body };

describe("fault proxy: request body faults", () => {
  const fixture = proxyFixture();
  const through = (...faults: FaultRule[]): Promise<FaultProxy> => fixture.start({ faults });

  it("reset-request forwards exactly the first N body bytes, then the server sees the body cut and the client an error", async () => {
    const { endpoint } = await through({ fault: { kind: "reset-request", atByte: 300_001 } });
    const result = await call(`${endpoint}/upload`, patch);
    expect(result.error?.code).toMatch(/^(ECONNRESET|EPIPE)$/);
    expect(result.status).toBeUndefined();
    const [arrival] = await fixture.server.arrived(1);
    expect(arrival).toMatchObject({ method: "PATCH", url: "/upload", bytes: 300_001, complete: false, aborted: true });
    expect(arrival!.head.equals(body.subarray(0, 300_001))).toBe(true);
    await fixture.proxy.settled();
    expect(fixture.proxy.requests[0]).toMatchObject({
      fault: "reset-request", plannedFault: "reset-request", faultAtByte: 300_001, forwardedBytes: 300_001, responseBytes: 0, done: true,
    });
    expect(fixture.proxy.requests[0]!.status).toBeUndefined();
    expect(fixture.proxy.requests[0]!.requestBytes).toBeGreaterThanOrEqual(300_001);
  });

  it("reset-request at byte 0 delivers the request head and no body byte", async () => {
    const { endpoint } = await through({ fault: { kind: "reset-request", atByte: 0 } });
    const result = await call(`${endpoint}/upload`, patch);
    expect(result.error).toBeDefined();
    const [arrival] = await fixture.server.arrived(1);
    expect(arrival).toMatchObject({ bytes: 0, complete: false, aborted: true });
    expect(arrival!.headers["content-length"]).toBe(String(MiB));
  });

  it("reset-request cuts a chunked body (no Content-Length) too", async () => {
    const { endpoint } = await through({ fault: { kind: "reset-request", atByte: 70_000 } });
    const result = await call(`${endpoint}/upload`, { method: "PATCH", body: Readable.from([body.subarray(0, 50_000), body.subarray(50_000)]) });
    expect(result.error).toBeDefined();
    const [arrival] = await fixture.server.arrived(1);
    expect(arrival!.headers["transfer-encoding"]).toBe("chunked");
    expect(arrival).toMatchObject({ bytes: 70_000, complete: false });
  });

  it('reset-request "random" cuts at floor(first seeded draw × body length), the same offset for the same seed', async () => {
    const offsets: number[] = [];
    for (const seed of [7, 7, 8]) {
      const proxy = await fixture.start({ seed, faults: [{ fault: { kind: "reset-request", atByte: "random" } }] });
      await call(`${proxy.endpoint}/upload`, patch);
      await proxy.settled();
      offsets.push(proxy.requests[0]!.forwardedBytes);
      expect(proxy.requests[0]!.faultAtByte).toBe(offsets.at(-1));
    }
    expect(offsets[0]).toBe(Math.floor(seededRandom(7)() * MiB));
    expect(offsets[1]).toBe(offsets[0]);
    expect(offsets[2]).toBe(Math.floor(seededRandom(8)() * MiB));
    expect(offsets[2]).not.toBe(offsets[0]);
    expect((await fixture.server.arrived(3)).map((arrival) => arrival.bytes)).toEqual(offsets);
  });

  it("stall-request stops reading the body after N bytes for forMs, then the whole body arrives", async () => {
    const { endpoint } = await through({ fault: { kind: "stall-request", atByte: 200_000, forMs: 400 } });
    const pending = call(`${endpoint}/upload`, patch);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fixture.server.arrivals[0]!.bytes).toBe(200_000);
    const result = await pending;
    expect(result.status).toBe(200);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(400);
    expect(fixture.server.arrivals[0]!.sha256).toBe(sha256(body));
    expect(fixture.proxy.requests[0]).toMatchObject({ fault: "stall-request", faultAtByte: 200_000, forwardedBytes: MiB });
  });

  it("match picks the requests, times counts them, and later matching requests pass whole", async () => {
    const { endpoint } = await through({ match: ({ method }) => method === "PATCH", times: 2, fault: { kind: "reset-request", atByte: 10 } });
    const outcomes = [];
    for (const method of ["GET", "PATCH", "PATCH", "PATCH"]) {
      const result = await call(`${endpoint}/x`, method === "GET" ? {} : patch);
      outcomes.push(result.status ?? "error");
    }
    expect(outcomes).toEqual([200, "error", "error", 200]);
    expect(fixture.proxy.requests.map((record) => record.fault)).toEqual(["none", "reset-request", "reset-request", "none"]);
    expect(fixture.proxy.faultCount("reset-request")).toBe(2);
  });

  it("probability draws from the seeded generator: the same seed faults the same requests, 0 and 1 are never and always", async () => {
    const pick = async (seed: number, probability: number): Promise<boolean[]> => {
      const proxy = await fixture.start({ seed, faults: [{ probability, fault: { kind: "error-before" } }] });
      for (let i = 0; i < 24; i++) await call(`${proxy.endpoint}/x`);
      return proxy.requests.map((record) => record.fault === "error-before");
    };
    const first = await pick(42, 0.5);
    expect(await pick(42, 0.5)).toEqual(first);
    expect(await pick(43, 0.5)).not.toEqual(first);
    const count = first.filter(Boolean).length;
    expect(count).toBeGreaterThan(3);
    expect(count).toBeLessThan(21);
    expect((await pick(42, 0)).some(Boolean)).toBe(false);
    expect((await pick(42, 1)).every(Boolean)).toBe(true);
  });
});
