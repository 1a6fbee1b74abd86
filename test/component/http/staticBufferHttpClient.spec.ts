// The static-buffer HttpClient against raw net and tls servers on loopback: what it sends, how it
// parses what comes back, and how its body reaches a sink (zero-copy) or a reader (copies).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import net, { type AddressInfo, type Socket } from "node:net";
import tls from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { AbortError } from "@azure/abort-controller";
import {
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  proxyPolicy,
  tlsPolicy,
  userAgentPolicy,
  type HttpClient,
  type PipelineRequest,
  type PipelineRequestOptions,
} from "@azure/core-rest-pipeline";
import type { StaticBufferBody } from "../../../src/http/staticBuffer/staticBufferBody.js";
import { isZeroCopyBody } from "../../../src/http/zeroCopyBody.js";
import { StaticBufferHttpClient } from "../../../src/http/staticBuffer/staticBufferHttpClient.js";
import { tlsCertificate } from "../../utils/registry.js";

interface RawServer {
  url: string;
  /** Request heads received, in order. */
  heads: string[];
  /** Sockets accepted, in order. */
  sockets: Socket[];
  close(): Promise<void>;
}

const servers: RawServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server that calls `answer` with each connection once its request head has arrived. */
async function rawServer(answer: (socket: Socket, head: string) => void, secure = false): Promise<RawServer> {
  const heads: string[] = [];
  const sockets: Socket[] = [];
  const onConnection = (socket: Socket): void => {
    sockets.push(socket);
    socket.on("error", () => undefined);
    let received = "";
    const onData = (chunk: Buffer): void => {
      received += chunk.toString("latin1");
      const end = received.indexOf("\r\n\r\n");
      if (end === -1) return;
      socket.off("data", onData);
      heads.push(received.slice(0, end));
      answer(socket, received.slice(0, end));
    };
    socket.on("data", onData);
  };
  const certificate = tlsCertificate();
  const server = secure
    ? tls.createServer({ cert: certificate.pem, key: readFileSync(certificate.keyPath) }, onConnection)
    : net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const raw: RawServer = {
    url: `${secure ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    heads,
    sockets,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(raw);
  return raw;
}

/** Deterministic bytes that differ from position to position. */
function pattern(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 10)) & 0xff;
  return bytes;
}

function request(url: string, options: Partial<PipelineRequestOptions> = {}): PipelineRequest {
  return createPipelineRequest({ url, allowInsecureConnection: true, streamResponseStatusCodes: new Set([200, 206]), ...options });
}

/** Records what reaches it and answers 299. */
class FallbackClient implements HttpClient {
  readonly requests: PipelineRequest[] = [];
  async sendRequest(sent: PipelineRequest) {
    this.requests.push(sent);
    return { request: sent, status: 299, headers: createHttpHeaders() };
  }
}

/** A sink that keeps copies and is asynchronous, as a file write is. */
function collectingSink() {
  const copies: Buffer[] = [];
  const arrayBuffers = new Set<ArrayBufferLike>();
  let calls = 0;
  const sink = async (bytes: Buffer): Promise<void> => {
    calls++;
    arrayBuffers.add(bytes.buffer);
    const copy = Buffer.from(bytes);
    // Reads that land while this call is pending must not change these bytes.
    await new Promise((resolve) => setImmediate(resolve));
    if (!bytes.equals(copy)) throw new Error("bytes changed while the sink held them");
    copies.push(copy);
  };
  return { sink, copies, arrayBuffers, calls: () => calls };
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return (async () => {
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    return Buffer.concat(parts);
  })();
}

const client = new StaticBufferHttpClient(new FallbackClient());

describe("StaticBufferHttpClient", () => {
  it("sends the request line, Host, Connection: close, Accept-Encoding: identity and the request's headers", async () => {
    const server = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    const sent = request(`${server.url}/v2/a/blobs/sha256:00?x=1&y=%20`, {
      headers: createHttpHeaders({ Range: "bytes=5-", "Accept-Encoding": "gzip", Connection: "keep-alive", "X-Custom": "v" }),
    });
    const response = await client.sendRequest(sent);
    expect(response.status).toBe(200);
    const [line, ...fields] = server.heads[0]!.split("\r\n");
    expect(line).toBe("GET /v2/a/blobs/sha256:00?x=1&y=%20 HTTP/1.1");
    expect(fields).toEqual([`Host: ${new URL(server.url).host}`, "Connection: close", "Accept-Encoding: identity", "Range: bytes=5-", "X-Custom: v"]);
  });

  it("parses a head split across reads and hands a Content-Length body to a sink from reused buffers", async () => {
    const body = pattern(3 * 1024 * 1024 + 7);
    const server = await rawServer((socket) => {
      const head = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nX-Multi: a\r\nX-Multi: b\r\n\r\n`);
      socket.write(head.subarray(0, 10));
      setTimeout(() => socket.write(head.subarray(10, head.length - 1)), 20);
      setTimeout(() => socket.end(Buffer.concat([head.subarray(head.length - 1), body])), 40);
    });
    const response = await client.sendRequest(request(server.url));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-multi")).toBe("a, b");
    const sink = collectingSink();
    expect(isZeroCopyBody(response.readableStreamBody)).toBe(true);
    await (response.readableStreamBody as StaticBufferBody).drainInto(sink.sink);
    expect(Buffer.concat(sink.copies).equals(body)).toBe(true);
    // No allocation per read: dozens of reads, a handful of buffers (two read buffers, at most two holding buffers).
    expect(sink.calls()).toBeGreaterThan(20);
    expect(sink.arrayBuffers.size).toBeLessThanOrEqual(4);
  });

  it("delivers copies to a reader of the Readable, and reads other statuses as text", async () => {
    const body = pattern(200_000);
    const server = await rawServer((socket, head) => {
      if (head.includes("/missing")) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 19\r\n\r\n{"errors":["nope"]}');
      else socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
    });
    const streamed = await client.sendRequest(request(server.url));
    expect((await readAll(streamed.readableStreamBody!)).equals(body)).toBe(true);
    const missing = await client.sendRequest(request(`${server.url}/missing`));
    expect(missing).toMatchObject({ status: 404, bodyAsText: '{"errors":["nope"]}' });
    expect(missing.readableStreamBody).toBeUndefined();
  });

  it("answers HEAD without a body, whatever Content-Length says", async () => {
    const server = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 12345\r\n\r\n"));
    const response = await client.sendRequest(request(server.url, { method: "HEAD" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe("12345");
    expect(response.readableStreamBody).toBeUndefined();
  });

  it("skips interim 1xx answers", async () => {
    const server = await rawServer((socket) =>
      socket.end("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    );
    const response = await client.sendRequest(request(server.url));
    expect(response.status).toBe(200);
    expect((await readAll(response.readableStreamBody!)).toString()).toBe("ok");
  });

  it("fails the body when the connection closes before Content-Length bytes", async () => {
    const server = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789"));
    const response = await client.sendRequest(request(server.url));
    const sink = collectingSink();
    await expect((response.readableStreamBody as StaticBufferBody).drainInto(sink.sink)).rejects.toThrow("closed after 10 of 1000 body bytes");
    expect(Buffer.concat(sink.copies).toString()).toBe("0123456789");
    const again = await client.sendRequest(request(server.url));
    await expect(readAll(again.readableStreamBody!)).rejects.toThrow("closed after 10 of 1000 body bytes");
  });

  it("closes the connection when aborted mid-body, failing the body with AbortError", async () => {
    const server = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + "x".repeat(50_000)));
    const controller = new AbortController();
    const response = await client.sendRequest(request(server.url, { abortSignal: controller.signal }));
    let received = 0;
    const drained = (response.readableStreamBody as StaticBufferBody).drainInto(async (bytes) => {
      received += bytes.length;
      if (received === 50_000) controller.abort();
    });
    await expect(drained).rejects.toBeInstanceOf(AbortError);
    await new Promise((resolve) => server.sockets[0]!.once("close", resolve));
  });

  it("fails drainInto, not an 'error' event nobody listens to, when the body is destroyed while draining", async () => {
    const server = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + "x".repeat(1000)));
    const body = (await client.sendRequest(request(server.url))).readableStreamBody as StaticBufferBody;
    const drained = body.drainInto(() => {
      body.destroy(new Error("given up"));
    });
    await expect(drained).rejects.toThrow("given up");
    await new Promise((resolve) => body.once("close", resolve));
    expect(body.listenerCount("error")).toBe(0);
  });

  it("rejects with AbortError when aborted before the response, or already aborted", async () => {
    const server = await rawServer(() => undefined);
    const controller = new AbortController();
    const pending = client.sendRequest(request(server.url, { abortSignal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    await expect(client.sendRequest(request(server.url, { abortSignal: controller.signal }))).rejects.toBeInstanceOf(AbortError);
  });

  it("times out while waiting for the response head when the request has a timeout", async () => {
    const server = await rawServer(() => undefined);
    await expect(client.sendRequest(request(server.url, { timeout: 50 }))).rejects.toThrow(/timed out after 50 ms/);
  });

  it("turns connection failures into RestErrors with the system error code, as core's client does", async () => {
    const closed = await rawServer(() => undefined);
    const url = closed.url;
    await closed.close();
    servers.splice(servers.indexOf(closed), 1);
    await expect(client.sendRequest(request(url))).rejects.toMatchObject({ name: "RestError", code: "ECONNREFUSED" });
    const hangUp = await rawServer((socket) => socket.destroy());
    await expect(client.sendRequest(request(hangUp.url))).rejects.toMatchObject({ name: "RestError", code: "ECONNRESET" });
  });

  it.each([
    ["a head over 64 KiB", `HTTP/1.1 200 OK\r\nX-Big: ${"b".repeat(70_000)}\r\n\r\n`, /larger than 65536 bytes/],
    ["conflicting Content-Length values", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", /Invalid Content-Length/],
    ["a malformed status line", "HTTP/1.1 OK\r\n\r\n", /status line/],
  ])("refuses %s", async (_what, answer, message) => {
    const server = await rawServer((socket) => socket.end(answer));
    await expect(client.sendRequest(request(server.url))).rejects.toThrow(message);
  });

  it("asks the fallback client again for a response not framed by Content-Length", async () => {
    const fallback = new FallbackClient();
    const server = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
    const sent = request(server.url);
    const response = await new StaticBufferHttpClient(fallback).sendRequest(sent);
    expect(response.status).toBe(299);
    expect(fallback.requests).toEqual([sent]);
    expect(server.heads).toHaveLength(1);
  });

  it("leaves requests through a proxy or an agent to the fallback client, without connecting", async () => {
    const fallback = new FallbackClient();
    const server = await rawServer(() => undefined);
    const viaAgent = request(server.url);
    viaAgent.agent = new http.Agent();
    const viaProxy = request(server.url);
    // What core's proxy policy does when proxyOptions (or HTTP_PROXY) apply to a URL: it sets an agent.
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(proxyPolicy({ host: "http://127.0.0.1", port: 9 }));
    await pipeline.sendRequest(new StaticBufferHttpClient(fallback), viaProxy);
    await new StaticBufferHttpClient(fallback).sendRequest(viaAgent);
    expect(fallback.requests).toEqual([viaProxy, viaAgent]);
    expect(viaProxy.agent).toBeDefined();
    expect(server.sockets).toHaveLength(0);
  });

  it("refuses plain http unless the request allows it, requests with a body, and other methods", async () => {
    await expect(client.sendRequest(request("http://127.0.0.1:9/", { allowInsecureConnection: false }))).rejects.toThrow(
      "while allowInsecureConnection is false",
    );
    await expect(client.sendRequest(request("http://127.0.0.1:9/", { method: "PUT" }))).rejects.toThrow(/GET and HEAD requests only/);
    await expect(client.sendRequest(request("http://127.0.0.1:9/", { body: "x" }))).rejects.toThrow(/GET and HEAD requests only/);
  });

  it.each(["Bearer secret\u0000", "Bearer s\u20acret"])("refuses a header value Node's http client would refuse (%j), without echoing it", async (value) => {
    const server = await rawServer(() => undefined);
    const sent = request(server.url, { headers: createHttpHeaders({ Authorization: value }) });
    const failure = (await client.sendRequest(sent).catch((e: unknown) => e)) as Error;
    expect(failure.message).toBe('Invalid character in header "Authorization"');
    expect(server.heads).toEqual([]);
  });

  describe("over TLS", () => {
    it("verifies the server with the request's tlsSettings (as core's tlsPolicy sets them) and keeps a pending sink's bytes intact", async () => {
      // TLS delivers the records it has already decrypted after a read paused the socket: those
      // reads must not land in the buffer a pending write still uses.
      const body = pattern(8 * 1024 * 1024);
      const server = await rawServer((socket) => socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body])), true);
      const pipeline = createEmptyPipeline();
      pipeline.addPolicy(tlsPolicy({ ca: tlsCertificate().pem }));
      pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: "static-buffer-test" }));
      const response = await pipeline.sendRequest(client, request(server.url));
      expect(server.heads[0]).toMatch(/\r\nUser-Agent: static-buffer-test /i);
      const sink = collectingSink();
      const hash = createHash("sha256");
      await (response.readableStreamBody as StaticBufferBody).drainInto((bytes) => {
        hash.update(bytes);
        return sink.sink(bytes);
      });
      expect(hash.digest("hex")).toBe(createHash("sha256").update(body).digest("hex"));
      expect(Buffer.concat(sink.copies).equals(body)).toBe(true);
      expect(sink.arrayBuffers.size).toBeLessThanOrEqual(4);
    });

    it("refuses a server its CA list does not trust", async () => {
      const server = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), true);
      await expect(client.sendRequest(request(server.url))).rejects.toMatchObject({ name: "RestError", code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    });
  });
});
