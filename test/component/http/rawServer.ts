// Raw net and tls servers on loopback for the static-buffer HttpClient's tests: they see the request
// head as sent and answer with whatever bytes a test writes, malformed ones included.
import { readFileSync } from "node:fs";
import net, { type AddressInfo, type Socket } from "node:net";
import tls from "node:tls";
import { afterEach } from "vitest";
import { createHttpHeaders, createPipelineRequest, type HttpClient, type PipelineRequest, type PipelineRequestOptions } from "@azure/core-rest-pipeline";
import { tlsCertificate } from "../../utils/registry.js";

export interface RawServer {
  url: string;
  /** Request heads received, in order. */
  heads: string[];
  /** Sockets accepted, in order. */
  sockets: Socket[];
  close(): Promise<void>;
}

const servers: RawServer[] = [];

/** Closes, after each test of the calling file, the servers {@link rawServer} started. */
export function closeRawServersAfterEach(): void {
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
}

/** A raw TCP (or TLS) server that calls `answer` with each connection once its request head has arrived. */
export async function rawServer(answer: (socket: Socket, head: string) => void, secure = false): Promise<RawServer> {
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
export function pattern(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 10)) & 0xff;
  return bytes;
}

export function request(url: string, options: Partial<PipelineRequestOptions> = {}): PipelineRequest {
  return createPipelineRequest({ url, allowInsecureConnection: true, streamResponseStatusCodes: new Set([200, 206]), ...options });
}

/** Records what reaches it and answers 299. */
export class FallbackClient implements HttpClient {
  readonly requests: PipelineRequest[] = [];
  async sendRequest(sent: PipelineRequest) {
    this.requests.push(sent);
    return { request: sent, status: 299, headers: createHttpHeaders() };
  }
}

/** A sink that keeps copies and is asynchronous, as a file write is. */
export function collectingSink() {
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

export function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return (async () => {
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(part as Buffer);
    return Buffer.concat(parts);
  })();
}
