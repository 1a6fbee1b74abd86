// Plain node:http(s) requests for the harness specs: they test the test utilities, so nothing of the library
// (nor of its HTTP stack) stands between them and the real servers.
import http from "node:http";
import https from "node:https";
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { OciImageInput } from "../utils/skopeo.js";

export interface PlainResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface PlainRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** PEM to trust for an https URL. */
  ca?: string;
}

/** One request, body read whole (these are small JSON answers); no redirects followed, no retries. */
export function request(url: string, options: PlainRequest = {}): Promise<PlainResponse> {
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(
      target,
      { method: options.method ?? "GET", headers: options.headers, ca: options.ca, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.once("error", reject);
        response.once("end", () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    outgoing.once("error", reject);
    outgoing.end(options.body);
  });
}

/** `Authorization: Basic` for `user:password`. */
export function basic(user: string, password: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

/** `Authorization: Bearer` for `token`. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** A small image with fresh layer digests (skopeo's blob-info cache would turn repeated pushes into mounts). */
export function freshImage(): OciImageInput {
  return {
    config: Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } })),
    layers: [gzipSync(randomBytes(2000))],
  };
}
