import type { IncomingMessage } from "node:http";
import { RegistryError } from "../errors.js";

/** Reads a small body (manifest, form, JSON patch) whole, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

function tooLarge(limit: number): RegistryError {
  return new RegistryError(413, "SIZE_INVALID", `request body larger than ${limit} bytes`);
}

/** Whether the request announces a body (a length above zero, or chunked transfer). */
export function hasBody(req: IncomingMessage): boolean {
  return Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
}

/** The request's `Accept` values; Node joins repeated headers with commas. */
export function acceptValues(req: IncomingMessage): string[] {
  return req.headers.accept ? [req.headers.accept] : [];
}
