// The fault proxy's own answers (5xx before or after forwarding, 429 with Retry-After), proven against a
// tiny local server: whether the server saw the request, and what the client got.
import { describe, expect, it } from "vitest";
import { pattern } from "./localServer.js";
import { proxyFixture } from "./proxyFixture.js";
import { call } from "./rawClient.js";

const MiB = 1024 * 1024;
const body = pattern(MiB, 9);

describe("fault proxy: answers in the server's place", () => {
  const fixture = proxyFixture(({ bytes }) => ({ status: 202, headers: { Range: `0-${bytes - 1}` } }));
  const through = fixture.through;

  it("error-before answers 503 with a registry error body, forwards nothing, and drains the request body", async () => {
    const result = await call(`${await through({ fault: { kind: "error-before" } })}/upload`, { method: "PATCH", body });
    expect(result.status).toBe(503);
    expect(result.headers!["content-type"]).toBe("application/json");
    expect(JSON.parse(result.body.toString())).toMatchObject({ errors: [{ code: "UNAVAILABLE" }] });
    await fixture.proxy.settled();
    expect(fixture.proxy.requests[0]).toMatchObject({ status: 503, fault: "error-before", requestBytes: MiB, forwardedBytes: 0 });
    expect(fixture.proxy.requests[0]!.upstreamStatus).toBeUndefined();
    // The next request on the proxy reaches the server: it is the first the server ever saw.
    expect((await call(`${fixture.proxy.endpoint}/upload`, { method: "PATCH", body })).status).toBe(202);
    expect(fixture.server.arrivals.map((arrival) => arrival.method)).toEqual(["PATCH"]);
  });

  it("error-before takes another status and a Retry-After", async () => {
    const result = await call(`${await through({ fault: { kind: "error-before", status: 502, retryAfter: 3 } })}/x`);
    expect(result.status).toBe(502);
    expect(result.headers!["retry-after"]).toBe("3");
    expect(JSON.parse(result.body.toString())).toMatchObject({ errors: [{ code: "UNKNOWN" }] });
  });

  it("error-after forwards the whole request, the server answers 202, and the client gets 500 instead", async () => {
    const result = await call(`${await through({ fault: { kind: "error-after" } })}/upload`, { method: "PATCH", body });
    expect(result.status).toBe(500);
    expect(result.headers!.range).toBeUndefined();
    const [arrival] = await fixture.server.arrived(1);
    expect(arrival).toMatchObject({ complete: true, bytes: MiB, responseFinished: true });
    await fixture.proxy.settled();
    expect(fixture.proxy.requests[0]).toMatchObject({ status: 500, upstreamStatus: 202, fault: "error-after", forwardedBytes: MiB });
  });

  it("throttle answers 429 TOOMANYREQUESTS with Retry-After in seconds, without forwarding", async () => {
    const result = await call(`${await through({ fault: { kind: "throttle", retryAfter: 2 } })}/x`);
    expect(result.status).toBe(429);
    expect(result.headers!["retry-after"]).toBe("2");
    expect(JSON.parse(result.body.toString())).toMatchObject({ errors: [{ code: "TOOMANYREQUESTS" }] });
    await fixture.proxy.settled();
    expect(fixture.server.arrivals).toEqual([]);
  });

  it("throttle sends a Date as an IMF-fixdate HTTP-date", async () => {
    const at = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    const result = await call(`${await through({ fault: { kind: "throttle", retryAfter: at } })}/x`);
    expect(result.headers!["retry-after"]).toBe("Wed, 02 Jan 2030 03:04:05 GMT");
    expect(new Date(result.headers!["retry-after"] as string).getTime()).toBe(at.getTime());
  });
});
