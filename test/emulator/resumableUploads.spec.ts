// The emulator's upload sessions across a cut request, as the OCI distribution spec allows a registry
// to keep them: the bytes stored stay in the session, `GET <location>` reports them, and the client
// goes on from there. Driven with bare HTTP through the fault proxy, nothing of the library in between.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from "../utils/faultProxy.js";
import { pattern, sha256 } from "../harness/localServer.js";
import { call } from "../harness/rawClient.js";

const MiB = 1024 * 1024;
const blob = pattern(2 * MiB, 21);
const digest = `sha256:${sha256(blob)}`;
const isPatch = ({ method }: ProxiedRequest): boolean => method === "PATCH";

describe("emulator upload sessions across a cut request", () => {
  let emulator: AcrEmulator;
  let proxy: FaultProxy;
  beforeAll(async () => {
    emulator = await startAcrEmulator({ authentication: false });
    proxy = await startFaultProxy({ target: emulator.endpoint });
  });
  afterAll(async () => {
    await proxy?.stop();
    await emulator?.close();
  });

  const absolute = (location: unknown): string => new URL(String(location), proxy.endpoint).href;
  async function startSession(repository: string): Promise<string> {
    const started = await call(`${proxy.endpoint}/v2/${repository}/blobs/uploads/`, { method: "POST" });
    expect(started.status).toBe(202);
    return absolute(started.headers!.location);
  }
  const withDigest = (location: string): string => `${location}&digest=${encodeURIComponent(digest)}`;

  it("a PATCH cut mid-body keeps the session: GET reports exactly the bytes the emulator received, a PATCH from there and a PUT store the blob with its digest", async () => {
    const location = await startSession("cut/patch");
    proxy.addFault({ match: isPatch, fault: { kind: "reset-request", atByte: 700_000 } });
    const cut = await call(location, { method: "PATCH", body: blob });
    expect(cut.error?.code).toMatch(/^(ECONNRESET|EPIPE)$/);
    const status = await call(location);
    expect([status.status, status.headers!.range]).toEqual([204, "0-699999"]);
    const rest = await call(absolute(status.headers!.location), {
      method: "PATCH",
      headers: { "Content-Range": `700000-${blob.length - 1}` },
      body: blob.subarray(700_000),
    });
    expect([rest.status, rest.headers!.range]).toEqual([202, `0-${blob.length - 1}`]);
    expect((await call(withDigest(absolute(rest.headers!.location)), { method: "PUT" })).status).toBe(201);
    const stored = await call(`${proxy.endpoint}/v2/cut/patch/blobs/${digest}`);
    expect(stored.body.equals(blob)).toBe(true);
  });

  it("a PUT ?digest= cut mid-body keeps the session too: the rest goes in a PATCH, then a bodiless PUT", async () => {
    const location = await startSession("cut/put");
    proxy.addFault({ match: ({ method }) => method === "PUT", fault: { kind: "reset-request", atByte: 1_000_000 } });
    expect((await call(withDigest(location), { method: "PUT", body: blob })).error).toBeDefined();
    const status = await call(location);
    expect(status.headers!.range).toBe("0-999999");
    const rest = await call(absolute(status.headers!.location), { method: "PATCH", headers: { "Content-Range": `1000000-${blob.length - 1}` }, body: blob.subarray(1_000_000) });
    expect(rest.status).toBe(202);
    expect((await call(withDigest(absolute(rest.headers!.location)), { method: "PUT" })).status).toBe(201);
  });

  it("a chunk whose body contradicts its Content-Range is refused whole: the session keeps only the bytes before it", async () => {
    const location = await startSession("cut/contradicting");
    const first = await call(location, { method: "PATCH", headers: { "Content-Range": "0-99" }, body: blob.subarray(0, 100) });
    expect(first.status).toBe(202);
    const contradicting = await call(absolute(first.headers!.location), { method: "PATCH", headers: { "Content-Range": "100-199" }, body: blob.subarray(100, 250) });
    expect([contradicting.status, JSON.parse(contradicting.body.toString()).errors[0].code]).toEqual([400, "SIZE_INVALID"]);
    expect((await call(location)).headers!.range).toBe("0-99");
  });

  it("a PATCH on the wrong offset after a cut is refused with 416 and the Range the session holds", async () => {
    const location = await startSession("cut/offset");
    proxy.addFault({ match: isPatch, fault: { kind: "reset-request", atByte: 300_000 } });
    await call(location, { method: "PATCH", body: blob });
    const status = await call(location);
    // Straight to the emulator, small: it answers without reading the body, which a proxy would report as a 502.
    const wrong = await call(new URL(String(status.headers!.location), emulator.endpoint).href, {
      method: "PATCH",
      headers: { "Content-Range": "0-99" },
      body: blob.subarray(0, 100),
    });
    expect([wrong.status, wrong.headers!.range]).toEqual([416, "0-299999"]);
  });
});
