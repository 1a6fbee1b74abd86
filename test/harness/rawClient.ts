// A bare node:http client for the harness: it reports exactly what came back (status, headers, the
// body bytes received) and how the exchange ended, error included, so a test can assert on faults.
import http, { type IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | Readable;
  /** Give up (destroy the request) after this long without a byte from the server. */
  idleTimeoutMs?: number;
  agent?: http.Agent | false;
}

export interface CallResult {
  status?: number;
  headers?: IncomingHttpHeaders;
  body: Buffer;
  /** Milliseconds from the call to the response head. */
  headMs?: number;
  /** Milliseconds from the call to the end (or failure) of the exchange. */
  elapsedMs: number;
  /** Set when the exchange failed: a socket error, a premature close, or the idle timeout (code IDLE). */
  error?: NodeJS.ErrnoException;
}

export function call(url: string, options: CallOptions = {}): Promise<CallResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const result: CallResult = { body: Buffer.alloc(0), elapsedMs: 0 };
    let settled = false;
    const settle = (error?: NodeJS.ErrnoException): void => {
      if (settled) return;
      settled = true;
      Object.assign(result, { body: Buffer.concat(chunks), elapsedMs: performance.now() - started, error });
      resolve(result);
    };
    const request = http.request(url, { method: options.method ?? "GET", headers: options.headers, agent: options.agent ?? false });
    request.once("error", settle);
    if (options.idleTimeoutMs !== undefined) {
      request.setTimeout(options.idleTimeoutMs, () => {
        request.destroy(Object.assign(new Error("idle timeout"), { code: "IDLE" }));
      });
    }
    request.once("response", (response) => {
      Object.assign(result, { status: response.statusCode, headers: response.headers, headMs: performance.now() - started });
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.once("end", () => settle());
      response.once("error", settle);
      // 'aborted' without 'error' is how older paths report a body cut short.
      response.once("aborted", () => settle(Object.assign(new Error("aborted"), { code: "ECONNRESET" })));
    });
    if (options.body === undefined) request.end();
    else if (Buffer.isBuffer(options.body)) request.end(options.body);
    else options.body.pipe(request);
  });
}
