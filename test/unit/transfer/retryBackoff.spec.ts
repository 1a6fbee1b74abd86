import { describe, expect, it } from "vitest";
import { AbortError } from "@azure/abort-controller";
import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { retryAfterInMs } from "../../../src/transfer/retryAfter.js";
import { DEFAULT_RETRY_SETTINGS, RetryBackoff, retrySettings } from "../../../src/transfer/retryBackoff.js";

const answer = (status: number, headers: Record<string, string>) => ({ status, headers: createHttpHeaders(headers) });

function throttled(headers: Record<string, string>, status = 429): RestError {
  const request = createPipelineRequest({ url: "https://registry.test/v2/" });
  return new RestError("throttled", { statusCode: status, request, response: { ...answer(status, headers), request } });
}

describe("retryAfterInMs", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("reads delay-seconds, an HTTP-date (0 once past) and core's millisecond headers, on 429 and 503 only", () => {
    expect(retryAfterInMs(answer(429, { "retry-after": "2" }), now)).toBe(2000);
    expect(retryAfterInMs(answer(503, { "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }), now)).toBe(5000);
    expect(retryAfterInMs(answer(429, { "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }), now)).toBe(0);
    expect(retryAfterInMs(answer(429, { "retry-after-ms": "150", "retry-after": "9" }), now)).toBe(150);
    expect(retryAfterInMs(answer(503, { "x-ms-retry-after-ms": "40" }), now)).toBe(40);
    expect(retryAfterInMs(answer(500, { "retry-after": "2" }), now)).toBeUndefined();
  });

  it("ignores a missing or malformed Retry-After", () => {
    for (const value of ["", "soon", "-1", "1e3"]) expect(retryAfterInMs(answer(429, { "retry-after": value }), now)).toBeUndefined();
    expect(retryAfterInMs(answer(429, {}), now)).toBeUndefined();
    expect(retryAfterInMs(undefined, now)).toBeUndefined();
  });
});

describe("RetryBackoff", () => {
  it("takes core's defaults for what retryOptions leaves out", () => {
    expect(DEFAULT_RETRY_SETTINGS).toEqual({ maxRetries: 3, retryDelayInMs: 1000, maxRetryDelayInMs: 64_000 });
    expect(retrySettings({ maxRetries: 5 })).toEqual({ maxRetries: 5, retryDelayInMs: 1000, maxRetryDelayInMs: 64_000 });
  });

  it("waits between half and all of retryDelayInMs x 2^n, capped at maxRetryDelayInMs, then rethrows the cause once maxRetries failures in a row were waited for", async () => {
    const backoff = new RetryBackoff({ maxRetries: 3, retryDelayInMs: 8, maxRetryDelayInMs: 20 });
    const cause = new Error("dropped");
    const waits = [await backoff.pause(cause), await backoff.pause(cause), await backoff.pause(cause)];
    expect(waits[0]).toBeGreaterThanOrEqual(4);
    expect(waits[0]).toBeLessThanOrEqual(8);
    expect(waits[1]).toBeGreaterThanOrEqual(8);
    expect(waits[1]).toBeLessThanOrEqual(16);
    expect(waits[2]).toBeGreaterThanOrEqual(10);
    expect(waits[2]).toBeLessThanOrEqual(20);
    await expect(backoff.pause(cause)).rejects.toBe(cause);
  });

  it("counts afresh after progress", async () => {
    const backoff = new RetryBackoff({ maxRetries: 1, retryDelayInMs: 1, maxRetryDelayInMs: 1 });
    await backoff.pause(new Error("first"));
    backoff.progressed();
    expect(backoff.failuresInARow).toBe(0);
    await backoff.pause(new Error("second"));
    await expect(backoff.pause(new Error("third"))).rejects.toThrow("third");
  });

  it("waits what a Retry-After asks for, and gives up at once when that is more than maxRetryDelayInMs", async () => {
    const backoff = new RetryBackoff({ maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 500 });
    const started = performance.now();
    expect(await backoff.pause(throttled({ "retry-after-ms": "120" }))).toBe(120);
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    const tooLong = throttled({ "retry-after": "1" });
    await expect(backoff.pause(tooLong)).rejects.toBe(tooLong);
  });

  it("stops waiting with an AbortError when the caller aborts", async () => {
    const controller = new AbortController();
    const backoff = new RetryBackoff({ maxRetries: 3, retryDelayInMs: 10_000, maxRetryDelayInMs: 10_000, abortSignal: controller.signal });
    const waiting = backoff.pause(new Error("dropped"));
    setTimeout(() => controller.abort(), 10);
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
  });
});
