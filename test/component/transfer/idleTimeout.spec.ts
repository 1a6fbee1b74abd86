// The inactivity timeout of transfers, against the emulator through the fault proxy's stalls: a
// stalled request is given up and resumed, a transfer stalled for good fails with TransferStalled
// within a bound computed from the options, and a slow consumer is not a stall.
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_IDLE_TIMEOUT_MS } from "../../../src/transfer/idleTimer.js";
import { DEFAULT_MAX_RESUME_ATTEMPTS, DEFAULT_RESUME_DELAY_MS } from "../../../src/transfer/downloadResume.js";
import { DEFAULT_RETRY_SETTINGS } from "../../../src/transfer/retryBackoff.js";
import { bytes, isBlobGet, isPatch, MiB, readAll, sha256, startFaultyEmulator, type FaultyEmulator } from "./support.js";

const IDLE_MS = 250;
const RETRY = { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 100 };
/** Room for a loaded machine: timers fire late, never early. */
const SLACK_MS = 1500;

/** The longest pauses of a backoff between `failures` attempts: retryDelayInMs x 2^n, capped. */
function longestPauses(failures: number, retryDelayInMs: number, maxRetryDelayInMs: number): number {
  let total = 0;
  for (let n = 0; n < failures; n++) total += Math.min(retryDelayInMs * 2 ** n, maxRetryDelayInMs);
  return total;
}

/**
 * How long an upload that stalls for good may take after its last byte moved: the request that
 * stalled, one more after the registry reported the bytes it got (that is progress), then
 * maxRetries more, each an idle timeout, the pauses between them, and the cancel.
 */
const uploadBound = (idle: number, retry: typeof RETRY, cancelMs: number): number =>
  (retry.maxRetries + 2) * idle + longestPauses(retry.maxRetries + 1, retry.retryDelayInMs, retry.maxRetryDelayInMs) + cancelMs;
/** A download: the body that stalled, then maxResumeAttempts reopenings that stall. */
const downloadBound = (idle: number, attempts: number, delay: number): number => (attempts + 1) * idle + longestPauses(attempts, delay, Infinity);

describe("idle timeouts of transfers: the emulator through the fault proxy's stalls", () => {
  let fixture: FaultyEmulator;
  beforeAll(async () => {
    fixture = await startFaultyEmulator();
  });
  afterAll(() => fixture?.stop());
  afterEach(() => fixture.proxy.clearFaults());

  const client = (repository: string) => fixture.client(repository, { idleTimeoutInMs: IDLE_MS, retryOptions: RETRY });

  it("with the defaults, a transfer stalled for good gives up within 3 minutes, resume attempts included", () => {
    const { maxRetries, retryDelayInMs, maxRetryDelayInMs } = DEFAULT_RETRY_SETTINGS;
    expect(uploadBound(DEFAULT_IDLE_TIMEOUT_MS, { maxRetries, retryDelayInMs, maxRetryDelayInMs }, 10_000)).toBeLessThanOrEqual(180_000);
    expect(downloadBound(DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_RESUME_ATTEMPTS, DEFAULT_RESUME_DELAY_MS)).toBeLessThanOrEqual(180_000);
  });

  it("a PATCH the registry stops reading is given up after idleTimeoutInMs and resumed from the byte the registry holds", async () => {
    const repository = "idle/upload-once";
    const data = bytes(3 * MiB, 11);
    fixture.proxy.addFault({ match: isPatch, fault: { kind: "stall-request", atByte: MiB } });
    expect((await client(repository).uploadBlob(data)).digest).toBe(sha256(data));
    const requests = fixture.requestsOf(repository);
    expect(requests.map((r) => r.method)).toEqual(["POST", "PATCH", "GET", "PATCH", "PUT"]);
    expect(requests[3]!.headers["content-range"]).toBe(`${MiB}-${data.length - 1}`);
  });

  it("an upload that stalls for good fails with TransferStalled within the bound of its options, and cancels its session", async () => {
    const repository = "idle/upload-forever";
    fixture.proxy.addFault({ match: isPatch, fault: { kind: "stall-request", atByte: MiB } });
    fixture.proxy.addFault({ match: isPatch, times: 100, fault: { kind: "stall-request", atByte: 0 } });
    const started = performance.now();
    const failure = await client(repository).uploadBlob(bytes(3 * MiB, 12)).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(failure).toMatchObject({ name: "RestError", code: "TransferStalled" });
    expect((failure as Error).message).toContain(`no byte moved for ${IDLE_MS} ms`);
    expect(elapsed).toBeGreaterThanOrEqual((RETRY.maxRetries + 2) * IDLE_MS);
    expect(elapsed).toBeLessThanOrEqual(uploadBound(IDLE_MS, RETRY, 0) + SLACK_MS);
    // No settled(): the proxy holds the stalled exchanges open until they time out on its side.
    const requests = fixture.requestsOf(repository);
    expect(requests.filter(isPatch)).toHaveLength(RETRY.maxRetries + 2);
    expect(requests.at(-1)).toMatchObject({ method: "DELETE", status: 204 });
  });

  it("downloadBlob whose body stalls is resumed with Range after idleTimeoutInMs, and delivers the exact bytes", async () => {
    const repository = "idle/download-once";
    const data = bytes(3 * MiB, 13);
    await client(repository).uploadBlob(data);
    fixture.proxy.addFault({ match: isBlobGet, fault: { kind: "stall", atByte: MiB } });
    const { content } = await client(repository).downloadBlob(sha256(data));
    expect((await readAll(content)).equals(data)).toBe(true);
    expect(fixture.requestsOf(repository).filter(isBlobGet).map((r) => r.headers.range)).toEqual([undefined, `bytes=${MiB}-`]);
  });

  it("downloadBlob whose first GET gets no response head within idleTimeoutInMs asks again, and delivers the exact bytes", async () => {
    const repository = "idle/download-head";
    const data = bytes(MiB, 17);
    await client(repository).uploadBlob(data);
    fixture.proxy.addFault({ match: isBlobGet, fault: { kind: "stall", beforeHeaders: true } });
    const { content } = await client(repository).downloadBlob(sha256(data));
    expect((await readAll(content)).equals(data)).toBe(true);
    expect(fixture.requestsOf(repository).filter(isBlobGet).map((r) => r.headers.range)).toEqual([undefined, undefined]);
  });

  it("downloadBlob that stalls for good fails its stream with TransferStalled within the bound of its options", async () => {
    const repository = "idle/download-forever";
    const data = bytes(2 * MiB, 14);
    await client(repository).uploadBlob(data);
    fixture.proxy.addFault({ match: isBlobGet, fault: { kind: "stall", atByte: MiB } });
    fixture.proxy.addFault({ match: isBlobGet, times: 100, fault: { kind: "stall", atByte: 0 } });
    const started = performance.now();
    const { content } = await client(repository).downloadBlob(sha256(data), { maxResumeAttempts: 2 });
    const failure = await readAll(content).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(failure).toMatchObject({ name: "RestError", code: "TransferStalled" });
    expect(elapsed).toBeGreaterThanOrEqual(3 * IDLE_MS);
    expect(elapsed).toBeLessThanOrEqual(downloadBound(IDLE_MS, 2, DEFAULT_RESUME_DELAY_MS) + SLACK_MS);
    expect(fixture.requestsOf(repository).filter(isBlobGet)).toHaveLength(3);
  });

  it("downloadBlobToFile whose resumed GETs get no response head fails with TransferStalled and leaves no file", async () => {
    const repository = "idle/file-forever";
    const data = bytes(2 * MiB, 15);
    await client(repository).uploadBlob(data);
    fixture.proxy.addFault({ match: isBlobGet, fault: { kind: "stall", atByte: MiB } });
    fixture.proxy.addFault({ match: isBlobGet, times: 100, fault: { kind: "stall", beforeHeaders: true } });
    const dir = mkdtempSync(path.join(os.tmpdir(), "idle-file-"));
    const started = performance.now();
    const failure = await client(repository).downloadBlobToFile(sha256(data), path.join(dir, "blob"), { maxResumeAttempts: 2 }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: "RestError", code: "TransferStalled" });
    expect(performance.now() - started).toBeLessThanOrEqual(downloadBound(IDLE_MS, 2, DEFAULT_RESUME_DELAY_MS) + SLACK_MS);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(path.join(dir, "blob"))).toBe(false);
  });

  it("a consumer that stops reading for longer than idleTimeoutInMs is not a stall: one GET, the exact bytes", async () => {
    const repository = "idle/slow-reader";
    const data = bytes(8 * MiB, 16);
    await client(repository).uploadBlob(data);
    const { content } = await client(repository).downloadBlob(sha256(data));
    const parts: Buffer[] = [];
    let paused = false;
    for await (const part of content) {
      parts.push(part as Buffer);
      if (!paused) {
        paused = true;
        await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_MS));
      }
    }
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect(fixture.requestsOf(repository).filter(isBlobGet)).toHaveLength(1);
  });
});
