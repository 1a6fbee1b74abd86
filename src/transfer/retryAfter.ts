import { isRestError, type PipelineResponse } from "@azure/core-rest-pipeline";

/** Statuses whose `Retry-After` means "come back then" (RFC 9110 10.2.3), as core's throttling retry reads it. */
const THROTTLING_STATUSES = new Set([429, 503]);

const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

function parseDelay(value: string | undefined, unitInMs: number): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value) * unitInMs;
}

/**
 * How long a throttled (429) or unavailable (503) answer asks the client to wait, in ms: core's
 * `retry-after-ms` / `x-ms-retry-after-ms`, else `Retry-After` as delay-seconds or an HTTP-date
 * (0 when that date has passed). Undefined for other statuses, or without a valid header.
 */
export function retryAfterInMs(response: Pick<PipelineResponse, "status" | "headers"> | undefined, now = Date.now()): number | undefined {
  if (!response || !THROTTLING_STATUSES.has(response.status)) return undefined;
  const headers = response.headers;
  const inMs = parseDelay(headers.get("retry-after-ms"), 1) ?? parseDelay(headers.get("x-ms-retry-after-ms"), 1);
  if (inMs !== undefined) return inMs;
  const value = headers.get("retry-after");
  if (value === undefined) return undefined;
  const seconds = parseDelay(value, 1000);
  if (seconds !== undefined) return seconds;
  // An HTTP-date starts with the day's name in all three of its formats; Date.parse takes much else.
  if (!HTTP_DATE.test(value.trim())) return undefined;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** The Retry-After of the response a failure carries, if any (see {@link retryAfterInMs}). */
export function retryAfterOfError(error: unknown): number | undefined {
  return isRestError(error) ? retryAfterInMs(error.response) : undefined;
}
