import type { PipelineResponse } from "@azure/core-rest-pipeline";

/**
 * The URL an upload continues at: the response's `Location`, relative (ACR, distribution with
 * `relativeurls`) or absolute (distribution's default), resolved against the URL of the request
 * that received it. Without a `Location`, the upload stays where it was.
 */
export function nextUploadUrl(response: PipelineResponse): string {
  const location = response.headers.get("location");
  return location ? new URL(location, response.request.url).href : response.request.url;
}

/**
 * Appends a query parameter without re-encoding the existing query: upload URLs carry opaque
 * state (`_state=...%3D`) that must go back byte for byte.
 */
export function withQueryParameter(url: string, name: string, value: string): string {
  const hash = url.indexOf("#");
  const base = hash < 0 ? url : url.slice(0, hash);
  const separator = !base.includes("?") ? "?" : base.endsWith("?") || base.endsWith("&") ? "" : "&";
  return `${base}${separator}${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
}

/** `Content-Range` of an upload chunk: `<start>-<end>` inclusive, without a `bytes ` unit, as ACR requires. */
export function chunkContentRange(start: number, length: number): string {
  return `${start}-${start + length - 1}`;
}

/** `OCI-Chunk-Min-Length` of an upload session, when the registry announced a valid one. */
export function chunkMinLength(response: PipelineResponse): number | undefined {
  const value = Number(response.headers.get("oci-chunk-min-length"));
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

const UPLOAD_RANGE = /^(?:bytes=)?0-(\d+)$/;

/**
 * The bytes a session holds, from the `Range: 0-<last>` of its status (or of a `PATCH` answer).
 * `0-0` counts as none: registries (distribution, ACR) answer it for an empty session, so a session
 * of exactly one byte reads as empty, and that byte is sent again. Undefined without a valid Range.
 */
export function parseUploadRange(range: string | undefined): number | undefined {
  const match = UPLOAD_RANGE.exec(range?.trim() ?? "");
  if (!match) return undefined;
  const last = Number(match[1]);
  return last === 0 ? 0 : last + 1;
}
