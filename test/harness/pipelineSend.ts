// Shared by the harness specs of the recorder, playback, fault proxy, registry launcher and skopeo:
// one way to send a request, through core-rest-pipeline as the library does.
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type PipelineRequestOptions,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { Readable } from "node:stream";
import { sha256Digest } from "../utils/recordingFormat.js";

export type SendOptions = Omit<PipelineRequestOptions, "url" | "headers"> & { headers?: Record<string, string> };

const defaultClient = createDefaultHttpClient();

export function send(url: string, options: SendOptions = {}, client: HttpClient = defaultClient): Promise<PipelineResponse> {
  const { headers, tlsSettings, ...rest } = options;
  const request = createPipelineRequest({ url, allowInsecureConnection: true, headers: createHttpHeaders(headers), ...rest });
  // createPipelineRequest (ts-http-runtime 0.3.6) drops tlsSettings.
  request.tlsSettings = tlsSettings;
  return client.sendRequest(request);
}

export async function readAll(stream: NodeJS.ReadableStream | Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Streams every status: the body comes back as exact bytes. */
export const STREAM_ALL = new Set([Number.POSITIVE_INFINITY]);

/** The bytes read before the stream ended or failed, and its error if it failed. */
export async function readUntilError(stream: NodeJS.ReadableStream): Promise<{ bytes: Buffer; error?: Error }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return { bytes: Buffer.concat(chunks) };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error: error as Error };
  }
}

/** Uploads a blob (POST, then PUT with the digest) and returns its digest. */
export async function pushBlob(endpoint: string, repository: string, bytes: Buffer, options: SendOptions = {}): Promise<string> {
  const digest = sha256Digest(bytes);
  const started = await send(`${endpoint}/v2/${repository}/blobs/uploads/`, { ...options, method: "POST" });
  if (started.status !== 202) throw new Error(`POST uploads: ${started.status} ${started.bodyAsText}`);
  const location = new URL(started.headers.get("location")!, endpoint);
  location.searchParams.set("digest", digest);
  const done = await send(location.toString(), { ...options, method: "PUT", body: bytes });
  if (done.status !== 201) throw new Error(`PUT upload: ${done.status} ${done.bodyAsText}`);
  return digest;
}
