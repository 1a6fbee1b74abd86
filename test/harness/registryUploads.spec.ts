// The fault proxy in front of the real CNCF registry (distribution 2.8): the upload-session semantics a
// resumable upload must handle, as the registry itself shows them.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type FaultProxy, type ProxiedRequest } from "../utils/faultProxy.js";
import { useRegistryBehindFaultProxy } from "../utils/proxiedRegistry.js";
import { distributionRegistryAvailable, type RunningRegistry } from "../utils/registry.js";
import { pattern, sha256 } from "./localServer.js";
import { call, type CallResult } from "./rawClient.js";

const MiB = 1024 * 1024;
const blob = pattern(MiB, 6);
const digest = `sha256:${sha256(blob)}`;
const isPatch = ({ method }: ProxiedRequest): boolean => method === "PATCH";
const errorCode = (result: CallResult): string | undefined => (JSON.parse(result.body.toString()) as { errors: Array<{ code: string }> }).errors[0]?.code;

describe.skipIf(!distributionRegistryAvailable())("fault proxy in front of docker-registry: upload sessions", () => {
  let registry: RunningRegistry;
  let proxy: FaultProxy;
  useRegistryBehindFaultProxy((servers) => ({ registry, proxy } = servers));

  /** A new session's absolute Location (it points at the proxy, which kept the client's Host). */
  async function startSession(repository: string): Promise<string> {
    const started = await call(`${proxy.endpoint}/v2/${repository}/blobs/uploads/`, { method: "POST" });
    expect(started.status).toBe(202);
    return started.headers!.location as string;
  }
  /** Bytes the registry stored for the session (its `_uploads/<id>/data` file). */
  function storedBytes(repository: string, location: string): number {
    const file = path.join(registry.dataDir, "docker/registry/v2/repositories", repository, "_uploads", path.basename(new URL(location).pathname), "data");
    return existsSync(file) ? statSync(file).size : -1;
  }
  async function untilStored(repository: string, location: string, bytes: number): Promise<void> {
    for (let waited = 0; storedBytes(repository, location) !== bytes && waited < 2000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const later = (location: string, method: string): Promise<CallResult> =>
    call(method === "PUT" ? `${location}&digest=${digest}` : location, { method, body: method === "PATCH" ? blob : undefined });

  it("a PATCH cut mid-body: the registry stored exactly the forwarded bytes, and GET, PATCH, PUT, DELETE on the session get 404 BLOB_UPLOAD_INVALID", async () => {
    const location = await startSession("cut");
    proxy.addFault({ match: isPatch, fault: { kind: "reset-request", atByte: 300_000 } });
    const cut = await call(location, { method: "PATCH", body: blob });
    expect(cut.error?.code).toMatch(/^(ECONNRESET|EPIPE)$/);
    await untilStored("cut", location, 300_000);
    expect(storedBytes("cut", location)).toBe(300_000);
    for (const method of ["GET", "PATCH", "PUT", "DELETE"]) {
      const result = await later(location, method);
      expect([method, result.status, errorCode(result)]).toEqual([method, 404, "BLOB_UPLOAD_INVALID"]);
    }
    await proxy.settled();
    const patches = proxy.requests.filter((record) => record.method === "PATCH" && record.path === new URL(location).pathname);
    // The second PATCH: the registry answers 404 without reading the body, so how much was forwarded varies.
    expect(patches.map((record) => [record.fault, record.status])).toEqual([["reset-request", undefined], ["none", 404]]);
    expect(patches[0]!.forwardedBytes).toBe(300_000);
  });

  it("a 503 answered before the PATCH body was read leaves the session usable: the same PATCH again, then PUT, store the blob", async () => {
    const location = await startSession("refused");
    proxy.addFault({ match: isPatch, fault: { kind: "error-before", status: 503 } });
    expect((await call(location, { method: "PATCH", body: blob })).status).toBe(503);
    expect(storedBytes("refused", location)).toBe(0);
    const status = await call(location);
    expect([status.status, status.headers!.range]).toEqual([204, "0-0"]);
    const patched = await call(location, { method: "PATCH", body: blob });
    expect([patched.status, patched.headers!.range]).toEqual([202, `0-${MiB - 1}`]);
    const done = await call(`${patched.headers!.location}&digest=${digest}`, { method: "PUT" });
    expect(done.status).toBe(201);
    const fetched = await call(`${proxy.endpoint}/v2/refused/blobs/${digest}`);
    expect(sha256(fetched.body)).toBe(digest.slice("sha256:".length));
    expect(proxy.faultCount("error-before")).toBe(1);
  });

  it("a 500 after the registry processed the PATCH: it stored the bytes, and the session the client still holds is invalid", async () => {
    const location = await startSession("lost-answer");
    proxy.addFault({ match: isPatch, fault: { kind: "error-after" } });
    expect((await call(location, { method: "PATCH", body: blob })).status).toBe(500);
    expect(storedBytes("lost-answer", location)).toBe(MiB);
    const status = await call(location);
    expect([status.status, errorCode(status)]).toEqual([404, "BLOB_UPLOAD_INVALID"]);
    expect(proxy.requests.find((record) => record.fault === "error-after")).toMatchObject({ upstreamStatus: 202, status: 500, forwardedBytes: MiB });
  });

  it("bytesForwarded over the PATCHes is what reached the registry: a cut at 300 000 then a whole new session is (300 000 + 1 MiB) / 1 MiB of the blob", async () => {
    const before = proxy.bytesForwarded(isPatch);
    proxy.addFault({ match: isPatch, fault: { kind: "reset-request", atByte: 300_000 } });
    await call(await startSession("resent"), { method: "PATCH", body: blob });
    const patched = await call(await startSession("resent"), { method: "PATCH", body: blob });
    expect(patched.status).toBe(202);
    await proxy.settled();
    expect((proxy.bytesForwarded(isPatch) - before) / MiB).toBeCloseTo((300_000 + MiB) / MiB, 6);
    expect(proxy.bytesUploaded(isPatch)).toBeGreaterThanOrEqual(proxy.bytesForwarded(isPatch));
  });
});
