// A playback HttpClient for recordings in the Azure SDK test-proxy JSON format.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import {
  createHttpHeaders,
  RestError,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
  type RawHttpHeaders,
} from "@azure/core-rest-pipeline";
import {
  decodePath,
  entryResponseBody,
  loadRecording,
  type RecordedEntry,
  type Recording,
} from "./recordingFormat.js";
import { abortError, BodyCapture, drainBody, encodingFormBodies } from "./requestBody.js";

export { RecordingHttpClient, type RecordingOptions } from "./recorder.js";
export {
  entryRequestBody,
  entryResponseBody,
  loadRecording,
  type RecordedEntry,
  type Recording,
} from "./recordingFormat.js";

/** A request as playback received it. */
export interface SentRequest {
  method: string;
  url: string;
  /** Lower-cased names. */
  headers: RawHttpHeaders;
  bodyLength: number;
  /** The first 64 KiB of the body. */
  body: Buffer;
}

const LOGGED_BODY_BYTES = 64 * 1024;
const CHUNK_BYTES = 64 * 1024;

/** Method, decoded path and the query as an order-insensitive multiset; the host is ignored. */
function matchKey(method: string, url: string): string {
  const { pathname, searchParams } = new URL(url);
  const query = [...searchParams].map((pair) => JSON.stringify(pair)).sort();
  return `${method.toUpperCase()} ${decodePath(pathname)} ${query.join("&")}`;
}

function describe(method: string, url: string): string {
  const { pathname, search } = new URL(url);
  return `${method} ${pathname}${search}`;
}

function* slices(bytes: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
    yield bytes.subarray(offset, offset + CHUNK_BYTES);
  }
}

function* zeros(length: number): Generator<Buffer> {
  for (let left = length; left > 0; left -= CHUNK_BYTES) yield Buffer.alloc(Math.min(left, CHUNK_BYTES));
}

/** A body kept out of a recording (only its length is known) replays as zeros. */
function responseChunks(entry: RecordedEntry): Iterable<Buffer> {
  const body = entryResponseBody(entry);
  return body ? slices(body) : zeros(entry.ResponseBodyLength ?? 0);
}

function streamBody(chunks: Iterable<Buffer>, request: PipelineRequest): Readable {
  let loadedBytes = 0;
  const stream = Readable.from(
    (function* () {
      for (const chunk of chunks) {
        loadedBytes += chunk.length;
        request.onDownloadProgress?.({ loadedBytes });
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
  const signal = request.abortSignal;
  if (signal) {
    const onAbort = (): void => {
      stream.destroy(abortError());
    };
    signal.addEventListener("abort", onAbort);
    stream.once("close", () => signal.removeEventListener("abort", onAbort));
  }
  return stream;
}

function isStreamed(request: PipelineRequest, status: number): boolean {
  const codes = request.streamResponseStatusCodes;
  return codes !== undefined && (codes.has(Number.POSITIVE_INFINITY) || codes.has(status));
}

/**
 * Replays a recording: each request takes the first unconsumed entry with the same method, path and
 * query; an unmatched request throws a RestError naming it and the next expected entry.
 */
export class PlaybackHttpClient implements HttpClient {
  /** Every request received, matched or not, in order. */
  readonly requests: SentRequest[] = [];
  private readonly entries: RecordedEntry[];
  private readonly keys: string[];
  private readonly consumed: boolean[];
  private readonly name: string;
  private readonly client = encodingFormBodies({ sendRequest: (request) => this.replay(request) });

  /** @param recording - a recording or the path of its JSON file */
  constructor(recording: Recording | string) {
    const loaded = typeof recording === "string" ? loadRecording(recording) : recording;
    this.name = typeof recording === "string" ? path.basename(recording) : "recording";
    this.entries = loaded.Entries;
    this.keys = this.entries.map((entry) => matchKey(entry.RequestMethod, entry.RequestUri));
    this.consumed = this.entries.map(() => false);
  }

  sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    return this.client.sendRequest(request);
  }

  /** Entries not replayed yet, in recorded order. */
  remaining(): RecordedEntry[] {
    return this.entries.filter((_, index) => !this.consumed[index]);
  }

  assertAllConsumed(): void {
    const left = this.remaining();
    if (left.length > 0) {
      const list = left.map((entry) => describe(entry.RequestMethod, entry.RequestUri)).join("\n  ");
      throw new Error(`${this.name}: ${left.length} recorded request(s) were never sent:\n  ${list}`);
    }
  }

  private async replay(request: PipelineRequest): Promise<PipelineResponse> {
    const capture = new BodyCapture(LOGGED_BODY_BYTES);
    await drainBody(request.body, capture, {
      signal: request.abortSignal,
      onChunk: (loadedBytes) => request.onUploadProgress?.({ loadedBytes }),
    });
    this.requests.push({
      method: request.method,
      url: request.url,
      headers: request.headers.toJSON(),
      bodyLength: capture.length,
      body: capture.head,
    });
    const key = matchKey(request.method, request.url);
    const index = this.keys.findIndex((candidate, i) => !this.consumed[i] && candidate === key);
    if (index < 0) {
      throw new RestError(this.mismatch(request), { code: "PlaybackNoMatch", request });
    }
    this.consumed[index] = true;
    return this.respond(request, this.entries[index]!);
  }

  private mismatch(request: PipelineRequest): string {
    const next = this.consumed.indexOf(false);
    const expected =
      next < 0
        ? `all ${this.entries.length} entries are consumed`
        : `next expected entry ${next + 1}/${this.entries.length}: ` +
          describe(this.entries[next]!.RequestMethod, this.entries[next]!.RequestUri);
    return `${this.name}: no recorded entry matches ${describe(request.method, request.url)}; ${expected}`;
  }

  private respond(request: PipelineRequest, entry: RecordedEntry): PipelineResponse {
    const headers = createHttpHeaders();
    for (const [name, value] of Object.entries(entry.ResponseHeaders)) {
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const response: PipelineResponse = { request, status: entry.StatusCode, headers };
    // As over the wire: a HEAD response has no body.
    if (request.method === "HEAD") return response;
    if (isStreamed(request, entry.StatusCode)) {
      response.readableStreamBody = streamBody(responseChunks(entry), request);
    } else {
      const body = Buffer.concat([...responseChunks(entry)]);
      if (body.length > 0) request.onDownloadProgress?.({ loadedBytes: body.length });
      response.bodyAsText = body.toString("utf8");
    }
    return response;
  }
}

/**
 * `acr-recordings/js` of the shared folder, when present: `$ACR_SHARED_DIR` if set, else `../shared`
 * beside the project root. Point ACR_SHARED_DIR at a missing folder to run as a fresh clone would.
 */
export function sharedRecordingsDir(): string | undefined {
  const shared = process.env.ACR_SHARED_DIR ? path.resolve(process.env.ACR_SHARED_DIR) : path.resolve(process.cwd(), "..", "shared");
  const dir = path.join(shared, "acr-recordings", "js");
  return existsSync(dir) ? dir : undefined;
}

/** The title of the placeholder test the ../shared-backed suites show when they skip. */
export const SHARED_RECORDINGS_ABSENT =
  "skipped: ../shared/acr-recordings/js is not present (nor $ACR_SHARED_DIR/acr-recordings/js); " +
  "test/recorded/acrRules.spec.ts still checks ACR's rules against test/recordings/acr";

/** The recording files below `dir`, sorted. */
export function listRecordings(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => path.join(dir, file));
}
