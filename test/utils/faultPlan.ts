// Which fault, if any, the fault proxy injects into one request: explicit rules first, then the chaos
// preset. Every random choice comes from a seeded generator, so a run with the same seed and the same
// request order injects the same faults at the same offsets.
import type { IncomingHttpHeaders } from "node:http";

export interface ProxiedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
}

/** A body offset in bytes, or `"random"`: uniform within the body (see {@link UNKNOWN_LENGTH_SPAN}). */
export type ByteOffset = number | "random";

/** `Retry-After` as delay-seconds, or a `Date` sent as an HTTP-date (IMF-fixdate). */
export type RetryAfter = number | Date;

export type Fault =
  /** Forwards the first `atByte` request body bytes to the target (flushed), then destroys both connections. */
  | { kind: "reset-request"; atByte: ByteOffset }
  /**
   * Sends the response head and the first `atByte` body bytes, then destroys both connections.
   * `"before-headers"`: the target processed the request but the client's connection dies before any
   * response byte. `"random"` on a response without a body means `"before-headers"`.
   */
  | { kind: "reset-response"; atByte: ByteOffset | "before-headers" }
  /** Answers at once, without forwarding (the body is drained, never sent on). Default status 503. */
  | { kind: "error-before"; status?: number; retryAfter?: RetryAfter }
  /** Forwards the request, discards the target's answer and sends this status instead. Default 500. */
  | { kind: "error-after"; status?: number }
  /** Answers 429 (or `status`) with `Retry-After`, without forwarding. */
  | { kind: "throttle"; retryAfter: RetryAfter; status?: number }
  /**
   * Ends the response cleanly after `atByte` body bytes and closes the connection: with Content-Length
   * the client gets fewer bytes than announced; a chunked body simply ends short.
   */
  | { kind: "truncate"; atByte: ByteOffset }
  /**
   * Holds the response: after the head and `atByte` body bytes (default 0), or before the head with
   * `beforeHeaders`. Resumes after `forMs`; without it, never (until the client or `stop()` hangs up).
   */
  | { kind: "stall"; atByte?: ByteOffset; forMs?: number; beforeHeaders?: boolean }
  /** Stops reading the request body after `atByte` bytes (default 0) for `forMs` (default: forever). */
  | { kind: "stall-request"; atByte?: ByteOffset; forMs?: number }
  /** XORs the response body byte at `atByte` with `mask` (default 0xff); the length stays the same. */
  | { kind: "flip"; atByte: ByteOffset; mask?: number };

export type FaultKind = Fault["kind"];

export interface FaultRule {
  /** Which requests the rule applies to (default: all), e.g. `({ method }) => method === "PATCH"`. */
  match?: (request: ProxiedRequest) => boolean;
  fault: Fault;
  /** How many requests get the fault. Default 1, or unlimited when `probability` is given. */
  times?: number;
  /** Chance (0..1) that a matching request gets the fault, drawn from the seeded generator. */
  probability?: number;
}

/**
 * Random faults on every request (or every `match`ing one). Rates are per request and exclusive: one
 * draw picks at most one fault, so their sum must not exceed 1.
 */
export interface ChaosOptions {
  /** Seed of the chaos generator (default 1). */
  seed?: number;
  match?: (request: ProxiedRequest) => boolean;
  /**
   * A reset at a random offset: of the request body when there is one (half of the time; the other
   * half the response is cut, "before-headers" when it has no body), else of the response body.
   */
  resetRate?: number;
  /** A 5xx: half 503 before forwarding, half 500 after the target processed the request. */
  serverErrorRate?: number;
  /** A 429 with `Retry-After: retryAfterSeconds`. */
  throttleRate?: number;
  /** A truncated response body at a random offset. */
  truncateRate?: number;
  /** A response stalled at a random body offset for `stallMs`. */
  stallRate?: number;
  /** Default 0. */
  retryAfterSeconds?: number;
  /** Default 1000. */
  stallMs?: number;
}

/** A chosen fault, with the draws that resolve its `"random"` offsets once the body length is known. */
export interface PlannedFault {
  fault: Fault;
  /** In [0, 1): where a `"random"` offset falls within the body. */
  fraction: number;
}

/** `"random"` offsets in a body of unknown length (chunked) fall within this many bytes. */
export const UNKNOWN_LENGTH_SPAN = 1024 * 1024;

/** mulberry32: a tiny seeded generator of floats in [0, 1). Not cryptographic; reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The offset where a body fault takes effect in a body of `length` bytes (`undefined`: unknown,
 * chunked), or `undefined` when it cannot (an empty body with a `"random"` offset).
 */
export function resolveOffset(atByte: ByteOffset, length: number | undefined, fraction: number): number | undefined {
  if (atByte !== "random") return atByte;
  if (length === 0) return undefined;
  return Math.floor(fraction * (length ?? UNKNOWN_LENGTH_SPAN));
}

/** Body bytes announced by request or response headers: a number, `undefined` when chunked, 0 when none. */
export function announcedLength(headers: IncomingHttpHeaders): number | undefined {
  const length = headers["content-length"];
  if (length !== undefined) return Number(length);
  return headers["transfer-encoding"] !== undefined ? undefined : 0;
}

function validateRate(name: string, rate: number | undefined): number {
  if (rate === undefined) return 0;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`chaos.${name} must be within [0, 1], got ${rate}`);
  return rate;
}

function chaosPlanner(chaos: ChaosOptions): (request: ProxiedRequest) => PlannedFault | undefined {
  const random = seededRandom(chaos.seed ?? 1);
  const retryAfter = chaos.retryAfterSeconds ?? 0;
  const forMs = chaos.stallMs ?? 1000;
  const bands: Array<[number, (variant: number, hasBody: boolean) => Fault]> = [
    [validateRate("throttleRate", chaos.throttleRate), () => ({ kind: "throttle", retryAfter })],
    [
      validateRate("serverErrorRate", chaos.serverErrorRate),
      (variant) => (variant < 0.5 ? { kind: "error-before", status: 503 } : { kind: "error-after", status: 500 }),
    ],
    [
      validateRate("resetRate", chaos.resetRate),
      (variant, hasBody) =>
        hasBody && variant < 0.5 ? { kind: "reset-request", atByte: "random" } : { kind: "reset-response", atByte: "random" },
    ],
    [validateRate("truncateRate", chaos.truncateRate), () => ({ kind: "truncate", atByte: "random" })],
    [validateRate("stallRate", chaos.stallRate), () => ({ kind: "stall", atByte: "random", forMs })],
  ];
  const total = bands.reduce((sum, [rate]) => sum + rate, 0);
  if (total > 1 + 1e-9) throw new RangeError(`chaos rates add up to ${total}, more than 1`);
  return (request) => {
    if (chaos.match && !chaos.match(request)) return undefined;
    // Three draws for every request, whatever it gets: later requests see the same sequence.
    const [pick, variant, fraction] = [random(), random(), random()];
    let floor = 0;
    for (const [rate, make] of bands) {
      if (pick < floor + rate) return { fault: make(variant, announcedLength(request.headers) !== 0), fraction };
      floor += rate;
    }
    return undefined;
  };
}

export interface FaultPlanner {
  /** The fault for this request, if any; consumes `times` and draws from the generators. */
  plan(request: ProxiedRequest): PlannedFault | undefined;
  add(rule: FaultRule): void;
  /** Forgets every rule and the chaos preset. */
  clear(): void;
}

export function createFaultPlanner(rules: FaultRule[], chaos: ChaosOptions | undefined, seed = 1): FaultPlanner {
  const random = seededRandom(seed);
  const active: Array<{ rule: FaultRule; left: number }> = [];
  let chaosPlan = chaos && chaosPlanner(chaos);
  const add = (rule: FaultRule): void => {
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
      throw new RangeError(`probability must be within [0, 1], got ${rule.probability}`);
    }
    active.push({ rule, left: rule.times ?? (rule.probability === undefined ? 1 : Number.POSITIVE_INFINITY) });
  };
  rules.forEach(add);
  return {
    plan(request) {
      for (const entry of active) {
        if (entry.left <= 0 || (entry.rule.match && !entry.rule.match(request))) continue;
        if (entry.rule.probability !== undefined && random() >= entry.rule.probability) continue;
        entry.left--;
        return { fault: entry.rule.fault, fraction: random() };
      }
      return chaosPlan?.(request);
    },
    add,
    clear() {
      active.length = 0;
      chaosPlan = undefined;
    },
  };
}
