// The static-buffer HttpClient when things go wrong or are not its to handle: aborts, timeouts,
// refused connections, malformed answers, and the requests it leaves to its fallback client.
import http from "node:http";
import { describe, expect, it } from "vitest";
import { AbortError } from "@azure/abort-controller";
import { createEmptyPipeline, createHttpHeaders, proxyPolicy } from "@azure/core-rest-pipeline";
import type { StaticBufferBody } from "../../../src/http/staticBuffer/staticBufferBody.js";
import { StaticBufferHttpClient } from "../../../src/http/staticBuffer/staticBufferHttpClient.js";
import { closeRawServersAfterEach, collectingSink, FallbackClient, rawServer, readAll, request } from "./rawServer.js";

closeRawServersAfterEach();
const client = new StaticBufferHttpClient(new FallbackClient());

describe("StaticBufferHttpClient failures and fallbacks", () => {
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
    await expect(client.sendRequest(sent)).rejects.toThrow(/^Invalid character in header "Authorization"$/);
    expect(server.heads).toEqual([]);
  });
});
