// Records real exchanges in the test-proxy JSON format, with credentials and hosts sanitised.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import type {
  HttpClient,
  PipelineRequest,
  PipelineResponse,
  RawHttpHeaders,
  RequestBodyType,
} from "@azure/core-rest-pipeline";
import {
  entryRequestBody,
  entryResponseBody,
  isJsonContentType,
  isTextContentType,
  type RecordedEntry,
  type Recording,
} from "./recordingFormat.js";
import { BodyCapture, bodyChunks, encodingFormBodies } from "./requestBody.js";

export interface RecordingOptions {
  /** The placeholder for a real `host[:port]`; by default every host becomes `Sanitized.azurecr.io`. */
  sanitizeHost?: (host: string) => string;
}

/** Larger bodies are recorded as their length only (`RequestBodyLength` / `ResponseBodyLength`). */
const MAX_RECORDED_BODY = 1024 * 1024;
const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie"]);
// The shared recordings' placeholder expiry (year 275760): recordings replay at any later date, so a
// recorded refresh token must never look expired to the client reading its `exp`.
const PLACEHOLDER_EXP = 8_640_000_000_000;

/** Keeps the token's JWT shape with a far-future `exp`; drops the signature and claims. */
function sanitizeRefreshToken(): string {
  return `sanitized.${Buffer.from(JSON.stringify({ exp: PLACEHOLDER_EXP })).toString("base64url")}.sanitized`;
}

function sanitizeForm(form: string): string {
  const params = new URLSearchParams(form);
  if (params.has("access_token")) params.set("access_token", "SecretPlaceholder");
  if (params.has("password")) params.set("password", "Sanitized");
  const refreshToken = params.get("refresh_token");
  if (refreshToken !== null) params.set("refresh_token", sanitizeRefreshToken());
  return params.toString();
}

/** Token-endpoint JSON: the ACR `access_token` / `refresh_token` and the distribution `token`. */
function sanitizeTokenJson(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  if (!["access_token", "token", "refresh_token"].some((key) => typeof fields[key] === "string")) {
    return undefined;
  }
  const copy = { ...fields };
  for (const key of ["access_token", "token"]) {
    if (typeof copy[key] === "string") copy[key] = "Sanitized";
  }
  if (typeof copy.refresh_token === "string") copy.refresh_token = sanitizeRefreshToken();
  return copy;
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

export class RecordingHttpClient implements HttpClient {
  private readonly entries: RecordedEntry[] = [];
  // Streamed bodies complete after sendRequest returns.
  private readonly pending: Promise<void>[] = [];
  private readonly sanitizeHost: (host: string) => string;
  private readonly client: HttpClient;

  constructor(inner: HttpClient, options: RecordingOptions = {}) {
    this.sanitizeHost = options.sanitizeHost ?? (() => "Sanitized.azurecr.io");
    this.client = encodingFormBodies({ sendRequest: (request) => this.record(inner, request) });
  }

  sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    return this.client.sendRequest(request);
  }

  /** Waits for streamed bodies to end (read or destroy them first), then writes the recording. */
  async save(file: string): Promise<void> {
    await Promise.all(this.pending);
    const recording: Recording = { Entries: this.entries, Variables: {} };
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(recording, null, 2)}\n`);
  }

  private async record(inner: HttpClient, request: PipelineRequest): Promise<PipelineResponse> {
    const requestCapture = new BodyCapture(MAX_RECORDED_BODY);
    // A copy, so a retried request still holds the caller's own body.
    const sent = { ...request, body: teeRequestBody(request.body, requestCapture) };
    const response = await inner.sendRequest(sent);
    const { pathname } = new URL(request.url);
    const entry: RecordedEntry = {
      RequestUri: this.sanitizeText(request.url),
      RequestMethod: request.method,
      RequestHeaders: this.sanitizeHeaders(request.headers.toJSON({ preserveCase: true })),
      RequestBody: null,
      StatusCode: response.status,
      ResponseHeaders: this.sanitizeHeaders(response.headers.toJSON({ preserveCase: true })),
      ResponseBody: null,
    };
    this.setBody(entry, "Request", requestCapture, request.headers.get("Content-Type"), pathname);
    this.entries.push(entry);
    const setResponseBody = (capture: BodyCapture): void =>
      this.setBody(entry, "Response", capture, response.headers.get("Content-Type"), pathname);
    if (response.readableStreamBody) {
      const capture = new BodyCapture(MAX_RECORDED_BODY);
      const tee = teeStream(response.readableStreamBody, capture);
      this.pending.push(new Promise((resolve) => tee.once("close", resolve)).then(() => setResponseBody(capture)));
      return { ...response, request, readableStreamBody: tee };
    }
    const capture = new BodyCapture(MAX_RECORDED_BODY);
    if (response.bodyAsText) capture.add(Buffer.from(response.bodyAsText, "utf8"));
    setResponseBody(capture);
    return { ...response, request };
  }

  /** Absolute URLs get the placeholder host; SAS signatures (`sig=`) are dropped. */
  private sanitizeText(text: string): string {
    return text
      .replace(/\b(https?:\/\/)([^/\s"'<>?#]+)/g, (_, scheme: string, host: string) => scheme + this.sanitizeHost(host))
      .replace(/([?&;]sig=)[^&\s"'<>]*/g, "$1sanitized");
  }

  private sanitizeHeaders(headers: RawHttpHeaders): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      result[name] = SECRET_HEADERS.has(name.toLowerCase()) ? "Sanitized" : this.sanitizeText(value);
    }
    return result;
  }

  private setBody(
    entry: RecordedEntry,
    side: "Request" | "Response",
    capture: BodyCapture,
    contentType: string | undefined,
    pathname: string,
  ): void {
    if (capture.length === 0) return;
    if (!capture.complete) {
      entry[`${side}BodyLength`] = capture.length;
      return;
    }
    const key = `${side}Body` as const;
    const bytes = capture.head;
    const text = bytes.toString("utf8");
    if (!isTextContentType(contentType)) {
      entry[key] = bytes.toString("base64");
    } else if (!isJsonContentType(contentType)) {
      entry[key] = /\/oauth2\/(exchange|token)$/.test(pathname) ? sanitizeForm(text) : this.sanitizeText(text);
    } else {
      const parsed = parseJson(text);
      const tokens = parsed && sanitizeTokenJson(parsed.value);
      if (tokens) {
        entry[key] = tokens;
        return;
      }
      // Readable JSON when playback rebuilds these exact bytes from it (a manifest's digest covers
      // them), else the text, else base64.
      const decode = side === "Request" ? entryRequestBody : entryResponseBody;
      const rebuilds = (candidate: unknown): boolean => {
        entry[key] = candidate;
        return decode(entry)?.equals(bytes) ?? false;
      };
      entry[key] = (parsed ? [parsed.value, text] : [text]).find(rebuilds) ?? bytes.toString("base64");
    }
  }
}

/** Passes the body on unchanged when it is bytes already, else as a stream that counts what it reads. */
function teeRequestBody(body: RequestBodyType | undefined, capture: BodyCapture): RequestBodyType | undefined {
  if (body === null || body === undefined) return body;
  if (typeof body === "string") {
    capture.add(Buffer.from(body));
    return body;
  }
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    capture.add(body instanceof ArrayBuffer ? new Uint8Array(body) : new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    return body;
  }
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    for await (const chunk of bodyChunks(body)) {
      capture.add(chunk);
      yield chunk;
    }
  };
  return Readable.from(counted(), { objectMode: false });
}

function teeStream(source: NodeJS.ReadableStream, capture: BodyCapture): Transform {
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      capture.add(chunk);
      callback(null, chunk);
    },
  });
  source.once("error", (error) => tee.destroy(error));
  source.pipe(tee);
  return tee;
}
