// An in-process OCI registry behind an HttpClient: enough of the distribution API to drive the
// content client's engines, with switches for the quirks real registries have.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
  type RawHttpHeaders,
} from "@azure/core-rest-pipeline";
import { ContainerRegistryContentClient, type ContainerRegistryContentClientOptions } from "../../../src/index.js";
import { bodyChunks } from "../../utils/requestBody.js";

export const ENDPOINT = "https://registry.test";

export interface SentRequest {
  method: string;
  url: string;
  headers: RawHttpHeaders;
  bodyLength: number;
}

export interface Reply {
  status: number;
  /** Undefined values are left out. */
  headers?: Record<string, string | undefined>;
  body?: Buffer | string | Readable;
}

export type Handler = (request: PipelineRequest, body: Buffer) => Reply | undefined;

export interface FakeRegistryOptions {
  /** Absolute upload Locations (distribution's default) instead of relative ones (ACR). */
  absoluteLocations?: boolean;
  /** `OCI-Chunk-Min-Length` announced when an upload starts. */
  chunkMinLength?: number;
  /** Status of a PATCH that accepted its bytes (202 by the spec; some registries send 201). */
  patchStatus?: number;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export class FakeRegistry implements HttpClient {
  readonly requests: SentRequest[] = [];
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, { bytes: Buffer; mediaType: string }>();
  readonly uploads = new Map<string, Buffer>();
  /** Checked before the built-in routes; return undefined to fall through. */
  readonly handlers: Handler[] = [];
  private nextId = 0;

  constructor(private readonly options: FakeRegistryOptions = {}) {}

  count(method: string, pattern?: RegExp): number {
    return this.requests.filter((r) => r.method === method && (!pattern || pattern.test(new URL(r.url).pathname))).length;
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const chunks: Buffer[] = [];
    for await (const chunk of bodyChunks(request.body)) chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks);
    this.requests.push({ method: request.method, url: request.url, headers: request.headers.toJSON(), bodyLength: body.length });
    const reply = this.handlers.reduce<Reply | undefined>((found, handler) => found ?? handler(request, body), undefined) ?? this.route(request, body);
    return this.respond(request, reply);
  }

  private respond(request: PipelineRequest, reply: Reply): PipelineResponse {
    const headers = createHttpHeaders(
      Object.fromEntries(Object.entries(reply.headers ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    );
    const response: PipelineResponse = { request, status: reply.status, headers };
    if (request.method === "HEAD") return response;
    const streamed = request.streamResponseStatusCodes?.has(reply.status);
    const body = reply.body ?? "";
    if (streamed) {
      response.readableStreamBody = body instanceof Readable ? body : Readable.from([Buffer.from(body)]);
    } else {
      response.bodyAsText = body instanceof Readable ? "" : Buffer.from(body).toString("utf8");
    }
    return response;
  }

  private location(path: string): string {
    return this.options.absoluteLocations ? `${ENDPOINT}${path}` : path;
  }

  private route(request: PipelineRequest, body: Buffer): Reply {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname);
    const method = request.method;
    let match: RegExpExecArray | null;
    if (method === "POST" && (match = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(path))) {
      const mount = url.searchParams.get("mount");
      if (mount && this.blobs.has(mount)) return { status: 201, headers: { location: `/v2/${match[1]}/blobs/${mount}` } };
      const id = `u${++this.nextId}`;
      this.uploads.set(id, Buffer.alloc(0));
      const headers: Record<string, string | undefined> = { location: this.location(`/v2/${match[1]}/blobs/uploads/${id}?_state=${id}%3D%3D`), range: "0-0" };
      if (this.options.chunkMinLength) headers["oci-chunk-min-length"] = String(this.options.chunkMinLength);
      return { status: 202, headers };
    }
    if ((match = /^\/v2\/(.+)\/blobs\/uploads\/(u\d+)$/.exec(path))) {
      const [, name, id] = match;
      const data = this.uploads.get(id!);
      if (!data || url.searchParams.get("_state") !== `${id}==`) return error(404, "BLOB_UPLOAD_UNKNOWN");
      if (method === "DELETE") {
        this.uploads.delete(id!);
        return { status: 204 };
      }
      const sessionLocation = this.location(`/v2/${name}/blobs/uploads/${id}?_state=${id}%3D%3D`);
      // Upload status, with distribution's "0-0" for an empty session.
      if (method === "GET") return { status: 204, headers: { location: sessionLocation, range: `0-${Math.max(0, data.length - 1)}` } };
      const range = request.headers.get("content-range");
      if (range && Number(range.split("-")[0]) !== data.length) return error(416, "BLOB_UPLOAD_INVALID");
      const received = Buffer.concat([data, body]);
      this.uploads.set(id!, received);
      if (method === "PATCH") {
        return {
          status: this.options.patchStatus ?? 202,
          headers: { location: sessionLocation, range: `0-${received.length - 1}` },
        };
      }
      if (method === "PUT") {
        const digest = url.searchParams.get("digest") ?? "";
        if (sha256(received) !== digest) return error(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
        this.uploads.delete(id!);
        this.blobs.set(digest, received);
        return { status: 201, headers: { location: `/v2/${name}/blobs/${digest}`, "docker-content-digest": digest } };
      }
    }
    if ((match = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(path))) {
      const digest = match[2]!;
      const blob = this.blobs.get(digest);
      if (method === "DELETE") return blob && this.blobs.delete(digest) ? { status: 202 } : error(404, "BLOB_UNKNOWN");
      if (!blob) return error(404, "BLOB_UNKNOWN", "blob unknown to registry");
      const rangeHeader = /^bytes=(\d+)-$/.exec(request.headers.get("range") ?? "");
      if (rangeHeader) {
        const start = Number(rangeHeader[1]);
        return {
          status: 206,
          headers: { "content-range": `bytes ${start}-${blob.length - 1}/${blob.length}`, "content-length": String(blob.length - start) },
          body: blob.subarray(start),
        };
      }
      return { status: 200, headers: { "content-length": String(blob.length), "docker-content-digest": digest }, body: blob };
    }
    if ((match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path))) {
      const reference = match[2]!;
      if (method === "PUT") {
        const digest = sha256(body);
        const stored = { bytes: body, mediaType: request.headers.get("content-type") ?? "" };
        this.manifests.set(digest, stored);
        this.manifests.set(reference, stored);
        return { status: 201, headers: { "docker-content-digest": digest, location: `/v2/${match[1]}/manifests/${digest}` } };
      }
      const manifest = this.manifests.get(reference);
      if (method === "DELETE") return manifest ? { status: 202 } : error(404, "MANIFEST_UNKNOWN");
      if (!manifest) return error(404, "MANIFEST_UNKNOWN", "manifest unknown");
      return {
        status: 200,
        headers: { "content-type": manifest.mediaType, "content-length": String(manifest.bytes.length), "docker-content-digest": sha256(manifest.bytes) },
        body: manifest.bytes,
      };
    }
    return error(404, "NAME_UNKNOWN", `no route for ${method} ${path}`);
  }
}

export function error(status: number, code: string, message = code.toLowerCase()): Reply {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify({ errors: [{ code, message }] }) };
}

export { sha256 };

/** A fake registry and a content client for `library/test` on it, without retries. */
export function fakeContentClient(
  registryOptions: FakeRegistryOptions = {},
  clientOptions: ContainerRegistryContentClientOptions = {},
): { registry: FakeRegistry; client: ContainerRegistryContentClient } {
  const registry = new FakeRegistry(registryOptions);
  const client = new ContainerRegistryContentClient(ENDPOINT, "library/test", { httpClient: registry, retryOptions: { maxRetries: 0 }, ...clientOptions });
  return { registry, client };
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
