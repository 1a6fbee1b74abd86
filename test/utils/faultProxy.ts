// A loopback HTTP reverse proxy that injects faults: cut response bodies, blob redirects, request counts.
import { randomBytes } from "node:crypto";
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface CutRule {
  /** Which requests to cut, e.g. `({ method, path }) => method === "GET" && /\/blobs\//.test(path)`. */
  match: (request: { method: string; path: string }) => boolean;
  /** Body bytes let through before the connection is destroyed. */
  afterBytes: number;
  /** How many matching requests are cut (default 1); later ones pass whole. */
  times?: number;
}

export interface FaultProxyOptions {
  /** The origin to forward to, e.g. `http://127.0.0.1:5000`. */
  target: string;
  cut?: CutRule;
  /**
   * Answer `GET /v2/<name>/blobs/<digest>` with a 307 to a second listener on another loopback host
   * that serves the blob under a `sig=` grant, as ACR redirects to blob storage.
   */
  redirectBlobs?: boolean;
}

export interface ProxiedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface BlobStorage {
  endpoint: string;
  /** What arrived at "blob storage", headers included (to assert no credential leaked there). */
  requests: ProxiedRequest[];
}

export interface FaultProxy {
  endpoint: string;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Responses cut so far. */
  readonly cuts: number;
  /** Requests received, in order. */
  requests: ProxiedRequest[];
  /** Requests with this method and a path equal to `path` (or matching it). */
  count(method: string, path?: string | RegExp): number;
  /** Present with `redirectBlobs`. */
  blobStorage?: BlobStorage;
  stop(): Promise<void>;
}

const BLOB_PATH = /^\/v2\/.+\/blobs\/[a-z0-9+._-]+:[a-fA-F0-9]+$/;
// Another host than the proxy's 127.0.0.1 (Linux routes all of 127/8 to loopback).
const BLOB_STORAGE_HOST = "127.0.0.2";
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"]);

function describeRequest(request: IncomingMessage): ProxiedRequest {
  const url = request.url ?? "/";
  return { method: request.method ?? "GET", path: url.split("?")[0]!, url, headers: request.headers };
}

function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/** Lets `limit` body bytes through, then destroys the client connection mid-body. */
function passThenCut(source: IncomingMessage, response: ServerResponse, limit: number): void {
  let passed = 0;
  const onData = (chunk: Buffer): void => {
    const part = chunk.subarray(0, limit - passed);
    passed += part.length;
    if (passed < limit) {
      if (!response.write(part)) {
        source.pause();
        response.once("drain", () => source.resume());
      }
      return;
    }
    source.off("data", onData);
    source.destroy();
    response.write(part, () => response.destroy());
  };
  source.on("data", onData);
  source.once("end", () => response.end());
}

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

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const agent = new http.Agent({ keepAlive: true });
  const requests: ProxiedRequest[] = [];
  let connections = 0;
  let cuts = 0;
  let cutsLeft = options.cut?.times ?? 1;
  // sig -> the registry request it stands for, with that request's credentials (a SAS-like grant).
  const grants = new Map<string, { url: string; authorization?: string }>();

  const forward = (
    request: IncomingMessage,
    response: ServerResponse,
    url: string,
    headers: IncomingHttpHeaders,
  ): void => {
    const described = describeRequest(request);
    const cut = options.cut && cutsLeft > 0 && options.cut.match(described) ? options.cut : undefined;
    if (cut) cutsLeft--;
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: url, headers, agent },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, endToEndHeaders(upstreamResponse.headers));
        if (!cut) {
          upstreamResponse.pipe(response);
          return;
        }
        cuts++;
        passThenCut(upstreamResponse, response, cut.afterBytes);
      },
    );
    upstream.once("error", (error) => {
      if (response.headersSent) response.destroy();
      else response.writeHead(502, { "Content-Type": "text/plain" }).end(`fault proxy: ${error.message}`);
    });
    // A client that hangs up mid-body frees the upstream connection too.
    response.once("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  };

  let blobStorage: BlobStorage | undefined;
  let blobServer: http.Server | undefined;
  if (options.redirectBlobs) {
    const blobRequests: ProxiedRequest[] = [];
    blobServer = http.createServer((request, response) => {
      const described = describeRequest(request);
      blobRequests.push(described);
      const sig = new URL(described.url, "http://blob").searchParams.get("sig");
      const grant = sig === null ? undefined : grants.get(sig);
      if (!grant) {
        response.writeHead(403, { "Content-Type": "text/plain" }).end("AuthenticationFailed");
      } else if (request.headers.authorization !== undefined) {
        // What Azure Storage answers a bearer token sent next to a SAS.
        response.writeHead(400, { "Content-Type": "text/plain" }).end("InvalidAuthenticationInfo");
      } else {
        const headers = { ...endToEndHeaders(request.headers), host: target.host };
        forward(request, response, grant.url, grant.authorization ? { ...headers, authorization: grant.authorization } : headers);
      }
    });
    blobStorage = { endpoint: await listen(blobServer, BLOB_STORAGE_HOST), requests: blobRequests };
  }

  const server = http.createServer((request, response) => {
    const described = describeRequest(request);
    requests.push(described);
    if (blobStorage && described.method === "GET" && BLOB_PATH.test(described.path)) {
      const sig = randomBytes(12).toString("hex");
      grants.set(sig, { url: described.url, authorization: request.headers.authorization });
      const location = `${blobStorage.endpoint}${described.path}?sig=${sig}`;
      response.writeHead(307, { Location: location, "Content-Length": "0" }).end();
      return;
    }
    // The client's Host stays: the registry then builds absolute Locations that point back here.
    forward(request, response, described.url, endToEndHeaders(request.headers));
  });
  server.on("connection", () => connections++);
  const endpoint = await listen(server, "127.0.0.1");

  return {
    endpoint,
    get connections() {
      return connections;
    },
    get cuts() {
      return cuts;
    },
    requests,
    count(method, path) {
      return requests.filter(
        (request) =>
          request.method === method &&
          (path === undefined || (typeof path === "string" ? request.path === path : path.test(request.path))),
      ).length;
    },
    blobStorage,
    async stop() {
      await Promise.all([close(server), blobServer && close(blobServer)]);
      agent.destroy();
    },
  };
}
