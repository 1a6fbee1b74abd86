// The fault proxy in front of the in-process emulator: an upload that survives a 503 before the PATCH
// body, and a download cut mid-body then resumed with Range.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { startFaultProxy, type FaultProxy } from "../utils/faultProxy.js";
import { pattern, sha256 } from "./localServer.js";
import { call } from "./rawClient.js";

const MiB = 1024 * 1024;
const blob = pattern(MiB, 8);
const digest = `sha256:${sha256(blob)}`;

describe("fault proxy in front of the emulator", () => {
  let emulator: AcrEmulator;
  let proxy: FaultProxy;
  beforeAll(async () => {
    emulator = await startAcrEmulator({ authentication: false });
    proxy = await startFaultProxy({
      target: emulator.endpoint,
      faults: [
        { match: ({ method }) => method === "PATCH", fault: { kind: "error-before" } },
        { match: ({ method, path }) => method === "GET" && path.endsWith(digest), fault: { kind: "reset-response", atByte: 100_000 } },
      ],
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    await emulator?.close();
  });

  it("a PATCH refused with 503 before its body is sent again on the same session, and the upload completes", async () => {
    const started = await call(`${proxy.endpoint}/v2/emu/blobs/uploads/`, { method: "POST" });
    expect(started.status).toBe(202);
    const location = new URL(started.headers!.location as string, proxy.endpoint).toString();
    expect((await call(location, { method: "PATCH", body: blob })).status).toBe(503);
    const patched = await call(location, { method: "PATCH", body: blob });
    expect(patched.status).toBe(202);
    const next = new URL(patched.headers!.location as string, proxy.endpoint);
    next.searchParams.set("digest", digest);
    expect((await call(next.toString(), { method: "PUT" })).status).toBe(201);
    expect(proxy.requests.filter((record) => record.method === "PATCH").map((record) => [record.status, record.forwardedBytes])).toEqual([
      [503, 0],
      [202, MiB],
    ]);
  });

  it("a download cut after 100 000 bytes resumes with Range from there, and the bytes add up to the blob", async () => {
    const url = `${proxy.endpoint}/v2/emu/blobs/${digest}`;
    const first = await call(url);
    expect([first.status, first.error?.code, first.body.length]).toEqual([200, "ECONNRESET", 100_000]);
    const rest = await call(url, { headers: { Range: "bytes=100000-" } });
    expect(rest.status).toBe(206);
    expect(Buffer.concat([first.body, rest.body]).equals(blob)).toBe(true);
    expect(proxy.cuts).toBe(1);
  });
});
