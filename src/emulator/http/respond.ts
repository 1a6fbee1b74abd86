import type { ServerResponse } from "node:http";
import type { RegistryError } from "../errors.js";

const JSON_TYPE = "application/json; charset=utf-8";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, "Content-Type": JSON_TYPE, "Content-Length": data.length });
  res.end(data);
}

/** A response without a body, as distribution sends for 201 / 202 / 204. */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, "Content-Length": 0 });
  res.end();
}

export function sendError(res: ServerResponse, error: RegistryError): void {
  sendJson(res, error.status, error.body(), error.headers);
}
