// The static-buffer HttpClient against raw net and tls servers on loopback: what it sends, how it
// parses what comes back, and how its body reaches a sink (zero-copy) or a reader (copies).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createEmptyPipeline, createHttpHeaders, tlsPolicy, userAgentPolicy } from "@azure/core-rest-pipeline";
import type { StaticBufferBody } from "../../../src/http/staticBuffer/staticBufferBody.js";
import { StaticBufferHttpClient } from "../../../src/http/staticBuffer/staticBufferHttpClient.js";
import { isZeroCopyBody } from "../../../src/http/zeroCopyBody.js";
import { tlsCertificate } from "../../utils/registry.js";
import { closeRawServersAfterEach, collectingSink, FallbackClient, pattern, rawServer, readAll, request } from "./rawServer.js";

closeRawServersAfterEach();
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
