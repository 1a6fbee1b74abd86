// One request through the fault proxy: forwarded to the target (or answered in its place), with at
// most one planned fault applied, and every byte counted in the request's record.
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import { announcedLength, resolveOffset, type FaultKind, type PlannedFault, type ProxiedRequest, type RetryAfter } from "./faultPlan.js";
import { afterFlush, relayBody, type BodyFaults, type Relay } from "./faultRelay.js";

export interface RequestRecord extends ProxiedRequest {
  /** Position in arrival order, from 0. */
  index: number;
  /** Status sent to the client; undefined when no response head reached it. */
  status?: number;
  /** Status the target answered; undefined when the request was not forwarded or got no answer. */
  upstreamStatus?: number;
  /** Request body bytes read from the client. */
  requestBytes: number;
  /** Request body bytes written to the target. */
  forwardedBytes: number;
  /** Response body bytes written to the client. */
  responseBytes: number;
  /** The fault that took effect, or "none" (also when a planned offset lay past the end of the body). */
  fault: FaultKind | "none";
  /** The fault a rule or the chaos preset chose for this request, whether or not it took effect. */
  plannedFault?: FaultKind;
  /** Body offset where `fault` took effect (body faults only). */
  faultAtByte?: number;
  /** Both directions have ended: the counts are final. */
  done: boolean;
}

export interface Target {
  hostname: string;
  port: string;
  agent: http.Agent;
}

const HOP_BY_HOP = new Set([
  "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
  "transfer-encoding", "upgrade",
]);

/** Drops hop-by-hop headers: the fixed list (RFC 9110 7.6.1) and every header the Connection header names. */
export function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(String(headers.connection ?? "").split(",").map((token) => token.trim().toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !named.has(name)));
}

const ERROR_CODES: Record<number, string> = { 429: "TOOMANYREQUESTS", 503: "UNAVAILABLE" };

function retryAfterValue(retryAfter: RetryAfter): string {
  return typeof retryAfter === "number" ? String(retryAfter) : retryAfter.toUTCString();
}

/**
 * Answers in the target's place with a distribution-style error body. The response ends only once the
 * request body has been drained: Node stops reading a request whose response has ended, which would
 * leave a client that is still sending stuck. The client has the whole answer at once (Content-Length).
 */
export function answer(
  record: RequestRecord,
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  headers: http.OutgoingHttpHeaders = {},
  text?: string,
): void {
  const body = Buffer.from(
    text ?? JSON.stringify({ errors: [{ code: ERROR_CODES[status] ?? "UNKNOWN", message: "injected by the fault proxy", detail: null }] }),
  );
  const contentType = text === undefined ? "application/json" : "text/plain";
  response.writeHead(status, { "Content-Type": contentType, "Content-Length": body.length, ...headers });
  record.status = status;
  record.responseBytes += body.length;
  response.write(body);
  endAfterRequest(request, response);
}

/** Ends `response` once the request body has been read whole (see {@link answer}). */
function endAfterRequest(request: IncomingMessage, response: ServerResponse): void {
  if (request.complete || request.readableEnded) response.end();
  else request.once("end", () => response.end());
}

/** Body bytes the response carries: none for HEAD, 1xx, 204 and 304. */
function responseLength(method: string, upstream: IncomingMessage): number | undefined {
  const status = upstream.statusCode ?? 0;
  if (method === "HEAD" || status < 200 || status === 204 || status === 304) return 0;
  return announcedLength(upstream.headers);
}

/** Forwards `request` to `target` as `url` with `headers`, applying `planned`. */
export function exchange(
  record: RequestRecord,
  request: IncomingMessage,
  response: ServerResponse,
  target: Target,
  url: string,
  headers: IncomingHttpHeaders,
  planned: PlannedFault | undefined,
): void {
  const fault = planned?.fault;
  const fraction = planned?.fraction ?? 0;
  record.plannedFault = fault?.kind;
  const tookEffect = (offset?: number): void => {
    record.fault = fault!.kind;
    record.faultAtByte = offset;
  };

  if (fault?.kind === "error-before" || fault?.kind === "throttle") {
    // Not forwarded: the body is drained (and counted) by the listener set up by the caller.
    const status = fault.status ?? (fault.kind === "throttle" ? 429 : 503);
    const retryAfter = fault.retryAfter === undefined ? {} : { "Retry-After": retryAfterValue(fault.retryAfter) };
    tookEffect();
    answer(record, request, response, status, retryAfter);
    return;
  }

  // Set once a fault closes the exchange on purpose: the errors that follow are expected.
  let abandoned = false;
  const relays: Relay[] = [];
  let timer: NodeJS.Timeout | undefined;
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: request.method, path: url, headers, agent: target.agent },
    (upstreamResponse) => onResponse(upstreamResponse),
  );
  const destroyBoth = (): void => {
    abandoned = true;
    upstream.destroy();
    response.destroy();
  };

  const requestFaults: BodyFaults = {};
  if (fault?.kind === "reset-request" || fault?.kind === "stall-request") {
    const offset = resolveOffset(fault.atByte ?? 0, announcedLength(request.headers), fraction);
    if (fault.kind === "reset-request") {
      requestFaults.stopAt = offset;
      // The target gets exactly the bytes before the offset, then the connection ends mid-body.
      requestFaults.onStop = () => afterFlush(upstream, destroyBoth);
    } else {
      requestFaults.pauseAt = offset;
      requestFaults.pauseMs = fault.forMs;
    }
    requestFaults.onFault = tookEffect;
  }
  const requestRelay = relayBody(request, upstream, requestFaults, (bytes) => (record.forwardedBytes += bytes));
  relays.push(requestRelay);

  const onResponse = (upstreamResponse: IncomingMessage): void => {
    record.upstreamStatus = upstreamResponse.statusCode;
    upstreamResponse.once("end", () => {
      // The target has answered in full: nothing it does from now on matters.
      abandoned = true;
      if (upstream.writableEnded) return;
      // It answered before reading the whole body (as distribution does for an invalid session): stop
      // sending, and drain the client's body so that the response can end.
      requestRelay.cancel();
      request.resume();
      upstream.destroy();
    });
    if (fault?.kind === "error-after") {
      upstreamResponse.resume();
      tookEffect();
      answer(record, request, response, fault.status ?? 500);
      return;
    }
    const length = responseLength(request.method ?? "GET", upstreamResponse);
    const responseFaults: BodyFaults = { onFault: tookEffect, onEnd: () => endAfterRequest(request, response) };
    const responseHeaders = endToEndHeaders(upstreamResponse.headers);
    if (fault?.kind === "reset-response") {
      const offset = fault.atByte === "before-headers" ? undefined : resolveOffset(fault.atByte, length, fraction);
      if (offset === undefined) {
        tookEffect();
        upstreamResponse.resume();
        destroyBoth();
        return;
      }
      responseFaults.stopAt = offset;
      responseFaults.onStop = () => afterFlush(response, destroyBoth);
    } else if (fault?.kind === "truncate") {
      responseFaults.stopAt = resolveOffset(fault.atByte, length, fraction);
      responseFaults.onStop = () => {
        abandoned = true;
        upstreamResponse.destroy();
        response.end();
      };
      // Ends the connection after the short body, so the client is not left waiting for the rest.
      responseHeaders.connection = "close";
    } else if (fault?.kind === "flip") {
      responseFaults.flipAt = resolveOffset(fault.atByte, length, fraction);
      responseFaults.flipMask = fault.mask;
    } else if (fault?.kind === "stall" && !fault.beforeHeaders) {
      responseFaults.pauseAt = resolveOffset(fault.atByte ?? 0, length, fraction);
      responseFaults.pauseMs = fault.forMs;
    }
    const relay = (): void => {
      response.writeHead(upstreamResponse.statusCode ?? 502, responseHeaders);
      record.status = upstreamResponse.statusCode ?? 502;
      // The head goes out now, even when a stall holds the first body byte.
      response.flushHeaders();
      relays.push(relayBody(upstreamResponse, response, responseFaults, (bytes) => (record.responseBytes += bytes)));
    };
    if (fault?.kind === "stall" && fault.beforeHeaders) {
      tookEffect();
      upstreamResponse.pause();
      if (fault.forMs !== undefined) timer = setTimeout(relay, fault.forMs);
      return;
    }
    relay();
  };

  // `on`, not `once`: a destroyed request may report more than one error.
  upstream.on("error", (error) => {
    if (abandoned) return;
    relays.forEach((relay) => relay.cancel());
    // Drained (and counted by the caller's listener), so the 502 can end.
    request.resume();
    if (response.headersSent) response.destroy();
    else answer(record, request, response, 502, {}, `fault proxy: ${error.message}`);
  });
  // A client that hangs up (or gives up on a stall) frees the upstream connection too.
  response.once("close", () => {
    clearTimeout(timer);
    if (response.writableFinished) return;
    relays.forEach((relay) => relay.cancel());
    abandoned = true;
    upstream.destroy();
  });
}
