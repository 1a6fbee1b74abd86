// A loopback HTTP reverse proxy that injects network and server faults between a client and a registry
// (the CNCF registry or the emulator, over http), streaming every body, and records what each request
// sent, got and suffered. Fault kinds: faultPlan.ts; byte-exact body handling: faultRelay.ts. E.g.
//   const proxy = await startFaultProxy({ target: registry.endpoint, faults: [
//     { match: ({ method }) => method === "PATCH", times: 1, fault: { kind: "reset-request", atByte: 3 * MiB } }] });
//   ... upload through proxy.endpoint ...; await proxy.settled();
//   const resentRatio = proxy.bytesForwarded(({ method }) => method === "PATCH") / blobSize;
import { randomBytes } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { answer, endToEndHeaders, exchange, type RequestRecord } from "./faultExchange.js";
import { createFaultPlanner, type ChaosOptions, type FaultKind, type FaultRule, type ProxiedRequest } from "./faultPlan.js";

export type { RequestRecord } from "./faultExchange.js";
export type { ByteOffset, ChaosOptions, Fault, FaultKind, FaultRule, ProxiedRequest, RetryAfter } from "./faultPlan.js";
export { seededRandom, UNKNOWN_LENGTH_SPAN } from "./faultPlan.js";

/** The original option: a response reset after N body bytes (`reset-response`). */
export interface CutRule {
  /** Which requests to cut, e.g. `({ method, path }) => method === "GET" && /\/blobs\//.test(path)`. */
  match: (request: ProxiedRequest) => boolean;
  /** Body bytes let through before the connection is destroyed. */
  afterBytes: number;
  /** How many matching requests are cut (default 1); later ones pass whole. */
  times?: number;
}

export interface FaultProxyOptions {
  /** The origin to forward to, e.g. `http://127.0.0.1:5000`. */
  target: string;
  /** Tried in order; the first rule that matches (and wins its probability draw) applies. */
  faults?: FaultRule[];
  /** Random faults for requests no rule took. */
  chaos?: ChaosOptions;
  /** Seed for the rules' probabilities and `"random"` offsets (default 1). */
  seed?: number;
  /** Shorthand for a `reset-response` rule, placed before `faults`. */
  cut?: CutRule;
  /**
   * Answer `GET /v2/<name>/blobs/<digest>` with a 307 to a second listener on another loopback host
   * that serves the blob under a `sig=` grant, as ACR redirects to blob storage. Faults then apply to
   * the redirected request, not to the 307.
   */
  redirectBlobs?: boolean;
}

export type RecordFilter = (record: RequestRecord) => boolean;

export interface BlobStorage {
  endpoint: string;
  /** What arrived at "blob storage", headers included (to assert no credential leaked there). */
  requests: RequestRecord[];
}

export interface FaultProxy {
  endpoint: string;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Responses reset mid-body or before their head (`reset-response` faults that took effect). */
  readonly cuts: number;
  /** Requests received, in order (blob storage's are in `blobStorage.requests`). */
  requests: RequestRecord[];
  /** Requests with this method and a path equal to `path` (or matching it). */
  count(method: string, path?: string | RegExp): number;
  /** Requests (here and at blob storage) where a fault (of this kind) took effect. */
  faultCount(kind?: FaultKind): number;
  /** Request body bytes received from clients, over the requests `filter` keeps. */
  bytesUploaded(filter?: RecordFilter): number;
  /** Request body bytes forwarded to the target. */
  bytesForwarded(filter?: RecordFilter): number;
  /** Response body bytes sent to clients. */
  bytesDownloaded(filter?: RecordFilter): number;
  /** Resolves once every request so far has ended in both directions (its record is final). */
  settled(): Promise<void>;
  /** Adds a rule after the existing ones. */
  addFault(rule: FaultRule): void;
  /** Drops every rule and the chaos preset: requests pass untouched from now on. */
  clearFaults(): void;
  /** Present with `redirectBlobs`. */
  blobStorage?: BlobStorage;
  stop(): Promise<void>;
}

const BLOB_PATH = /^\/v2\/.+\/blobs\/[a-z0-9+._-]+:[a-fA-F0-9]+$/;
// Another host than the proxy's 127.0.0.1 (Linux routes all of 127/8 to loopback).
const BLOB_STORAGE_HOST = "127.0.0.2";

async function listen(server: http.Server, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function closed(stream: IncomingMessage | ServerResponse): Promise<void> {
  return new Promise((resolve) => (stream.closed ? resolve() : stream.once("close", () => resolve())));
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.protocol !== "http:") throw new Error(`fault proxy: the target must be http, got ${options.target}`);
  const upstream = { hostname: target.hostname, port: target.port, agent: new http.Agent({ keepAlive: true }) };
  const cutRule: FaultRule[] = options.cut
    ? [{ match: options.cut.match, times: options.cut.times ?? 1, fault: { kind: "reset-response", atByte: options.cut.afterBytes } }]
    : [];
  const planner = createFaultPlanner([...cutRule, ...(options.faults ?? [])], options.chaos, options.seed);
  const requests: RequestRecord[] = [];
  const blobRequests: RequestRecord[] = [];
  const pending = new Set<Promise<void>>();
  let connections = 0;
  // sig -> the registry request it stands for, with that request's credentials (a SAS-like grant).
  const grants = new Map<string, { url: string; authorization?: string }>();

  /** Starts a record; its counts are final once both the request and the response have closed. */
  const track = (list: RequestRecord[], request: IncomingMessage, response: ServerResponse): RequestRecord => {
    const url = request.url ?? "/";
    const record: RequestRecord = {
      index: list.length, method: request.method ?? "GET", path: url.split("?")[0]!, url, headers: request.headers,
      requestBytes: 0, forwardedBytes: 0, responseBytes: 0, fault: "none", done: false,
    };
    list.push(record);
    request.on("data", (chunk: Buffer) => (record.requestBytes += chunk.length));
    const done = Promise.all([closed(request), closed(response)]).then(() => {
      record.done = true;
      pending.delete(done);
    });
    pending.add(done);
    return record;
  };

  let blobStorage: BlobStorage | undefined;
  let blobServer: http.Server | undefined;
  if (options.redirectBlobs) {
    blobServer = http.createServer((request, response) => {
      const record = track(blobRequests, request, response);
      const sig = new URL(record.url, "http://blob").searchParams.get("sig");
      const grant = sig === null ? undefined : grants.get(sig);
      if (!grant) {
        answer(record, request, response, 403, {}, "AuthenticationFailed");
      } else if (request.headers.authorization !== undefined) {
        // What Azure Storage answers a bearer token sent next to a SAS.
        answer(record, request, response, 400, {}, "InvalidAuthenticationInfo");
      } else {
        const headers = { ...endToEndHeaders(request.headers), host: target.host };
        const withGrant = grant.authorization ? { ...headers, authorization: grant.authorization } : headers;
        exchange(record, request, response, upstream, grant.url, withGrant, planner.plan(record));
      }
    });
    blobStorage = { endpoint: await listen(blobServer, BLOB_STORAGE_HOST), requests: blobRequests };
  }

  const server = http.createServer((request, response) => {
    const record = track(requests, request, response);
    if (blobStorage && record.method === "GET" && BLOB_PATH.test(record.path)) {
      const sig = randomBytes(12).toString("hex");
      grants.set(sig, { url: record.url, authorization: request.headers.authorization });
      response.writeHead(307, { Location: `${blobStorage.endpoint}${record.path}?sig=${sig}`, "Content-Length": "0" }).end();
      record.status = 307;
      return;
    }
    // The client's Host stays: the registry then builds absolute Locations that point back here.
    exchange(record, request, response, upstream, record.url, endToEndHeaders(request.headers), planner.plan(record));
  });
  server.on("connection", () => connections++);
  const endpoint = await listen(server, "127.0.0.1");

  const all = (): RequestRecord[] => [...requests, ...blobRequests];
  const sum = (field: "requestBytes" | "forwardedBytes" | "responseBytes", filter: RecordFilter = () => true): number =>
    all().filter(filter).reduce((total, record) => total + record[field], 0);

  return {
    endpoint,
    get connections() {
      return connections;
    },
    get cuts() {
      return all().filter((record) => record.fault === "reset-response").length;
    },
    requests,
    count(method, path) {
      return requests.filter(
        (request) =>
          request.method === method &&
          (path === undefined || (typeof path === "string" ? request.path === path : path.test(request.path))),
      ).length;
    },
    faultCount(kind) {
      return all().filter((record) => (kind === undefined ? record.fault !== "none" : record.fault === kind)).length;
    },
    bytesUploaded: (filter) => sum("requestBytes", filter),
    bytesForwarded: (filter) => sum("forwardedBytes", filter),
    bytesDownloaded: (filter) => sum("responseBytes", filter),
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
    },
    addFault: (rule) => planner.add(rule),
    clearFaults: () => planner.clear(),
    blobStorage,
    async stop() {
      await Promise.all([close(server), blobServer && close(blobServer)]);
      upstream.agent.destroy();
    },
  };
}
