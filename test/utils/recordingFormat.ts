// The Azure SDK test-proxy JSON format: types, loading, and body decoding shared by playback and recorder.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

export type RecordedHeaders = Record<string, string | string[]>;

/** One HTTP exchange as the test-proxy stores it. */
export interface RecordedEntry {
  RequestUri: string;
  RequestMethod: string;
  RequestHeaders: RecordedHeaders;
  RequestBody: unknown;
  StatusCode: number;
  ResponseHeaders: RecordedHeaders;
  ResponseBody: unknown;
  /** Our extension: byte length of a body too large to record; its body is then `null`. */
  RequestBodyLength?: number;
  /** Our extension: byte length of a body too large to record; its body is then `null`. */
  ResponseBodyLength?: number;
}

export interface Recording {
  Entries: RecordedEntry[];
  Variables: Record<string, string>;
}

export function loadRecording(path: string): Recording {
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<Recording>;
  if (!Array.isArray(parsed.Entries)) {
    throw new Error(`${path} is not a test-proxy recording (no Entries array)`);
  }
  return { Entries: parsed.Entries, Variables: parsed.Variables ?? {} };
}

/** Case-insensitive header lookup; repeated values are joined as HTTP folds them. */
export function headerValue(headers: RecordedHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) {
      return Array.isArray(value) ? value.join(", ") : value;
    }
  }
  return undefined;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

export function isJsonContentType(contentType: string | undefined): boolean {
  return mediaType(contentType).endsWith("json");
}

/** The test-proxy's notion of a text body; everything else is stored as base64. */
export function isTextContentType(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return (
    type.startsWith("text/") ||
    type.endsWith("json") ||
    type.endsWith("xml") ||
    type === "application/x-www-form-urlencoded"
  );
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

function matchesDigest(bytes: Buffer, digest: string): boolean {
  const [algorithm, hex] = digest.split(":");
  if ((algorithm !== "sha256" && algorithm !== "sha512") || !hex) return false;
  return createHash(algorithm).update(bytes).digest("hex") === hex.toLowerCase();
}

// Layouts real servers and clients produce: compact (JSON.stringify; Go's encoder adds "\n"), indented
// by 2, 3 (Docker's) or 4 spaces, each with or without a trailing newline.
const JSON_LAYOUTS = [undefined, 2, 3, 4].flatMap((indent) =>
  ["", "\n"].map((trailer) => (value: unknown) => Buffer.from(JSON.stringify(value, null, indent) + trailer)),
);

/** What a stored body's original bytes are known to satisfy. */
export interface BodyEvidence {
  /** Digests the bytes may have (a manifest's digest covers its exact bytes). */
  digests: readonly string[];
  /** The recorded Content-Length. */
  length?: number;
}

/**
 * Re-serialises a JSON value stored as an object: the layout whose hash matches a known digest wins,
 * else the one with the recorded Content-Length, else compact JSON.
 */
function serializeJson(value: unknown, evidence: BodyEvidence): Buffer {
  const candidates = JSON_LAYOUTS.map((layout) => layout(value));
  return (
    candidates.find((bytes) => evidence.digests.some((digest) => matchesDigest(bytes, digest))) ??
    candidates.find((bytes) => bytes.length === evidence.length) ??
    candidates[0]!
  );
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decodes a stored body to its bytes: `null` is no body; objects are JSON; arrays of strings under a
 * text type are lines; strings are text for text types, base64 otherwise. Some recordings store a JSON
 * body (a Docker manifest) as base64 even though its type is JSON: a string that is not JSON but is
 * base64 is decoded as such.
 */
export function decodeBody(
  body: unknown,
  contentType: string | undefined,
  evidence: BodyEvidence,
): Buffer | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") {
    if (!isTextContentType(contentType)) return Buffer.from(body, "base64");
    if (isJsonContentType(contentType) && !parsesAsJson(body) && BASE64.test(body)) {
      return Buffer.from(body, "base64");
    }
    return Buffer.from(body, "utf8");
  }
  if (
    Array.isArray(body) &&
    !isJsonContentType(contentType) &&
    body.every((line) => typeof line === "string")
  ) {
    return Buffer.from(body.join(""), "utf8");
  }
  return serializeJson(body, evidence);
}

const DIGEST_SEGMENT = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/** A URL path with its escapes undone (`library%2Fhello` and `library/hello` are one path). */
export function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

function digestInUri(uri: string): string | undefined {
  const lastSegment = decodePath(new URL(uri).pathname).split("/").pop() ?? "";
  return DIGEST_SEGMENT.test(lastSegment) ? lastSegment : undefined;
}

function recordedLength(headers: RecordedHeaders): number | undefined {
  const value = headerValue(headers, "Content-Length");
  return value === undefined ? undefined : Number(value);
}

/**
 * The bytes the client sent. A manifest PUT names its digest in the URL or gets it back in
 * `Docker-Content-Digest`. A body kept out of the recording (`RequestBodyLength`) is undefined.
 */
export function entryRequestBody(entry: RecordedEntry): Buffer | undefined {
  const digests = [digestInUri(entry.RequestUri), headerValue(entry.ResponseHeaders, "Docker-Content-Digest")];
  return decodeBody(entry.RequestBody, headerValue(entry.RequestHeaders, "Content-Type"), {
    digests: digests.filter((digest): digest is string => digest !== undefined),
    length: recordedLength(entry.RequestHeaders),
  });
}

/** The bytes the server sent; undefined for none or for a body kept out of the recording. */
export function entryResponseBody(entry: RecordedEntry): Buffer | undefined {
  const digest = headerValue(entry.ResponseHeaders, "Docker-Content-Digest");
  return decodeBody(entry.ResponseBody, headerValue(entry.ResponseHeaders, "Content-Type"), {
    digests: digest === undefined ? [] : [digest],
    length: recordedLength(entry.ResponseHeaders),
  });
}
