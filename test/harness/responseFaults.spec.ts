// The fault proxy's response faults, proven against a tiny local server: what the client received,
// byte for byte, how the exchange ended, and what the proxy recorded.
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { pattern } from "./localServer.js";
import { proxyFixture } from "./proxyFixture.js";
import { call } from "./rawClient.js";

const MiB = 1024 * 1024;
const blob = pattern(MiB, 5);

/** Streams the blob over and over (chunked) until the connection goes. */
function endless(response: ServerResponse): void {
  response.writeHead(200, { "Content-Type": "application/octet-stream" });
  const more = (): void => {
    while (!response.destroyed && response.write(blob));
  };
  response.on("drain", more);
  more();
}

describe("fault proxy: response faults", () => {
  const fixture = proxyFixture(({ url }) => {
    if (url === "/created") return { status: 201, headers: { Location: "/elsewhere" } };
    if (url === "/endless") return { stream: endless };
    return { body: blob, chunked: url === "/chunked" };
  });
  const through = fixture.through;

  it("reset-response sends the head and exactly the first N body bytes, then the client's connection fails", async () => {
    const result = await call(`${await through({ fault: { kind: "reset-response", atByte: 123_457 } })}/blob`);
    expect(result.status).toBe(200);
    expect(result.headers!["content-length"]).toBe(String(MiB));
    expect(result.error?.code).toBe("ECONNRESET");
    expect(result.body.equals(blob.subarray(0, 123_457))).toBe(true);
    await fixture.proxy.settled();
    expect(fixture.proxy.requests[0]).toMatchObject({ status: 200, upstreamStatus: 200, fault: "reset-response", faultAtByte: 123_457, responseBytes: 123_457 });
    expect(fixture.proxy.cuts).toBe(1);
  });

  it('reset-response "before-headers": the server answered the request, the client gets no status and an error', async () => {
    const endpoint = await through({ fault: { kind: "reset-response", atByte: "before-headers" } });
    const result = await call(`${endpoint}/created`, { method: "POST", body: Buffer.from("payload") });
    expect(result.status).toBeUndefined();
    expect(result.error?.code).toBe("ECONNRESET");
    const [arrival] = await fixture.server.arrived(1);
    expect(arrival).toMatchObject({ complete: true, bytes: 7 });
    await fixture.proxy.settled();
    expect(fixture.proxy.requests[0]).toMatchObject({ upstreamStatus: 201, fault: "reset-response", forwardedBytes: 7, requestBytes: 7 });
    expect(fixture.proxy.requests[0]!.status).toBeUndefined();
  });

  it('reset-response "random" on a response without a body resets before the head', async () => {
    const result = await call(`${await through({ fault: { kind: "reset-response", atByte: "random" } })}/created`, { method: "POST" });
    expect(result.status).toBeUndefined();
    expect(result.error).toBeDefined();
    expect(fixture.proxy.requests[0]!.fault).toBe("reset-response");
  });

  it("truncate with Content-Length: N bytes, then the connection closes cleanly and the client sees a premature end", async () => {
    const result = await call(`${await through({ fault: { kind: "truncate", atByte: 500_000 } })}/blob`);
    expect(result.status).toBe(200);
    expect(result.headers!["content-length"]).toBe(String(MiB));
    expect(result.headers!.connection).toBe("close");
    expect(result.body.equals(blob.subarray(0, 500_000))).toBe(true);
    expect(result.error).toBeDefined();
    expect(result.error!.code).not.toBe("IDLE");
    await fixture.proxy.settled();
    expect(fixture.proxy.requests[0]).toMatchObject({ fault: "truncate", faultAtByte: 500_000, responseBytes: 500_000 });
  });

  it("truncate of a chunked body ends it cleanly short: no error, N bytes", async () => {
    const result = await call(`${await through({ fault: { kind: "truncate", atByte: 500_000 } })}/chunked`);
    expect(result.headers!["transfer-encoding"]).toBe("chunked");
    expect(result.error).toBeUndefined();
    expect(result.body.equals(blob.subarray(0, 500_000))).toBe(true);
  });

  it("truncate past the end of the body leaves the body whole and records no fault", async () => {
    const result = await call(`${await through({ fault: { kind: "truncate", atByte: MiB } })}/blob`);
    expect(result.error).toBeUndefined();
    expect(result.body.equals(blob)).toBe(true);
    await fixture.proxy.settled();
    expect(fixture.proxy.requests[0]).toMatchObject({ fault: "none", plannedFault: "truncate" });
  });

  it("flip XORs exactly the byte at the offset (0xff by default, or the mask) and keeps the length", async () => {
    const endpoint = await through(
      { times: 1, fault: { kind: "flip", atByte: 654_321 } },
      { times: 1, fault: { kind: "flip", atByte: 0, mask: 0x01 } },
    );
    for (const [offset, mask] of [[654_321, 0xff], [0, 0x01]] as const) {
      const result = await call(`${endpoint}/blob`);
      expect(result.error).toBeUndefined();
      expect(result.body.length).toBe(MiB);
      const expected = Buffer.from(blob);
      expected[offset]! ^= mask;
      expect(result.body.equals(expected)).toBe(true);
    }
    expect(fixture.proxy.requests.map((record) => [record.fault, record.faultAtByte])).toEqual([["flip", 654_321], ["flip", 0]]);
  });

  it("stall holds the body after the head and N bytes for forMs, then delivers the rest", async () => {
    const endpoint = await through({ fault: { kind: "stall", atByte: 100_000, forMs: 400 } });
    const result = await call(`${endpoint}/blob`, { idleTimeoutMs: 5_000 });
    expect(result.headMs!).toBeLessThan(300);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(400);
    expect(result.body.equals(blob)).toBe(true);
    expect(fixture.proxy.requests[0]).toMatchObject({ fault: "stall", faultAtByte: 100_000 });
  });

  it("stall without forMs holds the body until the client gives up, then closes the server's connection", async () => {
    const endpoint = await through({ fault: { kind: "stall", atByte: 1000 } });
    const result = await call(`${endpoint}/endless`, { idleTimeoutMs: 300 });
    expect(result.status).toBe(200);
    expect(result.error?.code).toBe("IDLE");
    expect(result.elapsedMs).toBeGreaterThanOrEqual(300);
    expect(result.body.equals(blob.subarray(0, 1000))).toBe(true);
    await fixture.proxy.settled();
    expect(fixture.proxy.requests[0]).toMatchObject({ fault: "stall", responseBytes: 1000, done: true });
    const [arrival] = await fixture.server.arrived(1);
    expect(arrival!.responseFinished).toBe(false);
  });

  it("stall beforeHeaders holds the response head for forMs", async () => {
    const result = await call(`${await through({ fault: { kind: "stall", beforeHeaders: true, forMs: 400 } })}/blob`);
    expect(result.headMs!).toBeGreaterThanOrEqual(400);
    expect(result.body.equals(blob)).toBe(true);
  });
});
