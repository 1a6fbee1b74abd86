// The fault proxy without faults: headers it must drop or keep, bodies streamed (never buffered whole),
// and the counters and per-request records tests compute with.
import http from "node:http";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "../utils/faultProxy.js";
import { pattern, sha256, startLocalServer, type LocalServer } from "./localServer.js";
import { call } from "./rawClient.js";

const MiB = 1024 * 1024;

/** Resolves when `condition` holds, or rejects after `ms`: a proxy that buffered whole bodies never gets there. */
async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("condition not reached: a body was held back");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("fault proxy: forwarding", () => {
  let server: LocalServer;
  let proxy: FaultProxy;
  let clientReceived = 0;
  beforeAll(async () => {
    server = await startLocalServer(({ url, bytes }) => {
      if (url === "/headers") {
        return {
          headers: { Connection: "X-Resp-Hop", "X-Resp-Hop": "1", "Keep-Alive": "timeout=99, max=7", "X-Resp-End": "1", "Set-Cookie": ["a=1", "b=2"] },
          body: Buffer.from("h"),
        };
      }
      if (url === "/halves") {
        // The second half only once the client holds the first: a proxy that buffered would deadlock.
        return {
          stream: (response) => {
            response.writeHead(200, { "Content-Length": 4 * MiB });
            response.write(pattern(2 * MiB, 1));
            until(() => clientReceived >= 2 * MiB).then(
              () => response.end(pattern(2 * MiB, 2)),
              () => response.destroy(),
            );
          },
        };
      }
      return { body: pattern(bytes === 0 ? 1000 : 10, 4) };
    });
    proxy = await startFaultProxy({ target: server.endpoint });
  });
  afterAll(async () => {
    await proxy.stop();
    await server.stop();
  });

  it("drops hop-by-hop headers (the fixed list and those named by Connection) both ways, and keeps the rest", async () => {
    const result = await call(`${proxy.endpoint}/headers`, {
      headers: { Connection: "keep-alive, X-Hop", "X-Hop": "1", "Keep-Alive": "timeout=5", TE: "trailers", "X-End": "1", Authorization: "Basic x" },
    });
    const arrival = server.arrivals.find((a) => a.url === "/headers")!;
    expect(arrival.headers["x-end"]).toBe("1");
    expect(arrival.headers.authorization).toBe("Basic x");
    for (const name of ["x-hop", "keep-alive", "te"]) expect(arrival.headers[name], name).toBeUndefined();
    expect(result.headers!["x-resp-end"]).toBe("1");
    expect(result.headers!["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(result.headers!["x-resp-hop"]).toBeUndefined();
    expect(result.headers!["keep-alive"]).not.toBe("timeout=99, max=7");
  });

  it("streams a request body: the server gets the first half before the client has sent the second", async () => {
    const first = pattern(2 * MiB, 1);
    const second = pattern(2 * MiB, 2);
    const source = Readable.from(
      (async function* () {
        yield first;
        await until(() => (server.arrivals.at(-1)?.bytes ?? 0) >= 2 * MiB);
        yield second;
      })(),
    );
    const result = await call(`${proxy.endpoint}/stream-up`, { method: "PUT", body: source, headers: { "Content-Length": String(4 * MiB) } });
    expect(result.status).toBe(200);
    expect(server.arrivals.at(-1)!.sha256).toBe(sha256(Buffer.concat([first, second])));
  });

  it("streams a response body: the client gets the first half before the server has sent the second", async () => {
    clientReceived = 0;
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      http.get(`${proxy.endpoint}/halves`, (response) => {
        response.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          clientReceived += chunk.length;
        });
        response.once("end", resolve);
        response.once("error", reject);
      });
    });
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(Buffer.concat([pattern(2 * MiB, 1), pattern(2 * MiB, 2)])));
  });

  it("records each request and counts connections and body bytes in both directions", async () => {
    const counted = await startFaultProxy({ target: server.endpoint });
    try {
      const agent = new http.Agent({ keepAlive: true });
      await call(`${counted.endpoint}/a?x=1`, { method: "PATCH", body: pattern(5000), agent });
      await call(`${counted.endpoint}/b`, { agent });
      await call(`${counted.endpoint}/b`, { agent: false });
      agent.destroy();
      await counted.settled();
      expect(counted.connections).toBe(2);
      expect(counted.requests.map(({ headers: _, ...record }) => record)).toEqual([
        { index: 0, method: "PATCH", path: "/a", url: "/a?x=1", status: 200, upstreamStatus: 200, requestBytes: 5000, forwardedBytes: 5000, responseBytes: 10, fault: "none", plannedFault: undefined, faultAtByte: undefined, done: true },
        { index: 1, method: "GET", path: "/b", url: "/b", status: 200, upstreamStatus: 200, requestBytes: 0, forwardedBytes: 0, responseBytes: 1000, fault: "none", plannedFault: undefined, faultAtByte: undefined, done: true },
        { index: 2, method: "GET", path: "/b", url: "/b", status: 200, upstreamStatus: 200, requestBytes: 0, forwardedBytes: 0, responseBytes: 1000, fault: "none", plannedFault: undefined, faultAtByte: undefined, done: true },
      ]);
      expect(counted.bytesUploaded()).toBe(5000);
      expect(counted.bytesForwarded(({ method }) => method === "PATCH")).toBe(5000);
      expect(counted.bytesDownloaded(({ path }) => path === "/b")).toBe(2000);
      expect(counted.count("GET", "/b")).toBe(2);
      expect(counted.faultCount()).toBe(0);
    } finally {
      await counted.stop();
    }
  });

  it("answers 502 when the target is down, and refuses a target that is not http", async () => {
    const down = await startFaultProxy({ target: "http://127.0.0.1:1" });
    try {
      const result = await call(`${down.endpoint}/x`);
      expect(result.status).toBe(502);
      expect(result.body.toString()).toMatch(/^fault proxy: connect ECONNREFUSED/);
    } finally {
      await down.stop();
    }
    await expect(startFaultProxy({ target: "https://127.0.0.1:1" })).rejects.toThrow(/must be http/);
  });
});
