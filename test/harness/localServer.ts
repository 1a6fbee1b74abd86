// A tiny loopback HTTP server for the fault proxy's harness: it reads every request body whole (hashing
// and counting it), records how each request ended, and answers as the test's route says.
import { createHash } from "node:crypto";
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Arrival {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Body bytes read so far. */
  bytes: number;
  /** The first bytes of the body (up to 2 MiB), to compare with what was sent. */
  readonly head: Buffer;
  /** sha256 (hex) of the whole body, once complete. */
  sha256?: string;
  /** The body arrived whole. */
  complete: boolean;
  /** The connection ended before the body did. */
  aborted: boolean;
  /** The response was written whole (false when the proxy hung up first). */
  responseFinished: boolean;
  /** Resolves once the request and the response have both closed. */
  closed: Promise<void>;
}

/** What to answer: a status, headers, and a body sent with Content-Length, or chunked with `chunked`. */
export interface Reply {
  status?: number;
  headers?: OutgoingHttpHeaders;
  body?: Buffer;
  chunked?: boolean;
  /** Called with the response instead of sending `body`: for replies that stream on their own terms. */
  stream?: (response: ServerResponse) => void;
}

export type Route = (arrival: Arrival) => Reply;

export interface LocalServer {
  endpoint: string;
  arrivals: Arrival[];
  /** Resolves with the first `count` arrivals once they all have closed (the client may learn of a fault first). */
  arrived(count: number): Promise<Arrival[]>;
  stop(): Promise<void>;
}

const HEAD_LIMIT = 2 * 1024 * 1024;

/**
 * Deterministic bytes: the same `seed` and `size` give the same content. A block of prime length,
 * repeated: fast to make, and no power-of-two offset looks like another.
 */
export function pattern(size: number, seed = 1): Buffer {
  const block = Buffer.alloc(4093);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + seed * 7 + (i >> 5)) & 0xff;
  return size === 0 ? Buffer.alloc(0) : Buffer.alloc(size, block);
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const echoBytes: Route = (arrival) => ({ status: 200, body: Buffer.from(JSON.stringify({ bytes: arrival.bytes })) });

export async function startLocalServer(route: Route = echoBytes): Promise<LocalServer> {
  const arrivals: Arrival[] = [];
  const waiters = new Set<() => void>();
  const server = http.createServer((request, response) => {
    const hash = createHash("sha256");
    const head: Buffer[] = [];
    let kept = 0;
    const arrival: Arrival = {
      method: request.method ?? "GET", url: request.url ?? "/", headers: request.headers, bytes: 0,
      get head() {
        return Buffer.concat(head);
      },
      complete: false, aborted: false, responseFinished: false,
      closed: Promise.all([
        new Promise((resolve) => request.once("close", resolve)),
        new Promise((resolve) => response.once("close", resolve)),
      ]).then(() => undefined),
    };
    arrivals.push(arrival);
    waiters.forEach((wake) => wake());
    request.on("data", (chunk: Buffer) => {
      arrival.bytes += chunk.length;
      hash.update(chunk);
      if (kept < HEAD_LIMIT) {
        head.push(chunk.subarray(0, HEAD_LIMIT - kept));
        kept += Math.min(chunk.length, HEAD_LIMIT - kept);
      }
    });
    request.once("aborted", () => (arrival.aborted = true));
    response.once("finish", () => (arrival.responseFinished = true));
    request.once("end", () => {
      arrival.complete = true;
      arrival.sha256 = hash.digest("hex");
      const reply = route(arrival);
      if (reply.stream) return reply.stream(response);
      const body = reply.body ?? Buffer.alloc(0);
      const length = reply.chunked ? {} : { "Content-Length": body.length };
      response.writeHead(reply.status ?? 200, { ...length, ...reply.headers });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    async arrived(count) {
      while (arrivals.length < count) {
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            waiters.delete(wake);
            resolve();
          };
          waiters.add(wake);
        });
      }
      const first = arrivals.slice(0, count);
      await Promise.all(first.map((arrival) => arrival.closed));
      return first;
    },
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
