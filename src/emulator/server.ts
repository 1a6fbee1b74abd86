import type { IncomingMessage, ServerResponse } from "node:http";
import { decodePath } from "../protocol/acrAccess.js";
import type { ScopeEntry } from "../protocol/scopes.js";
import { RegistryError, unsupported } from "./errors.js";
import { hasBody } from "./http/body.js";
import type { Services } from "./http/context.js";
import { sendError, sendJson } from "./http/respond.js";
import { accessFor, matchRoute, type RouteMatch } from "./http/router.js";

/** One served request, for tests that count calls. Never holds headers or bodies (tokens live there). */
export interface RequestLogEntry {
  /** HTTP method as received (`GET`, `PUT`, ...). */
  method: string;
  /** Decoded path (`/v2/library/hello-world/manifests/latest`). */
  path: string;
  /** Query string without `?`; signatures of storage links are redacted. */
  query: string;
  /** Which endpoint served it (`manifest`, `upload`, `acrTags`, ...), or undefined when none matched. */
  operation?: string;
  /** HTTP status code of the response. */
  status: number;
  /** Time from the request's arrival to the end of the response, in milliseconds (fractional). */
  durationMs: number;
}

/**
 * Checks the request's token against the access its route needs; returns what the token grants
 * (undefined when authentication is off or the endpoint is public).
 */
function authorize(services: Services, req: IncomingMessage, match: RouteMatch, query: URLSearchParams): readonly ScopeEntry[] | undefined {
  const required = accessFor(match, req.method ?? "", query);
  if (!services.settings.authentication || !required) return undefined;
  // ACR's challenge names a mount's source repository too, but a token without pull there may still
  // start the upload: the mount then falls back to a plain session (handlers/uploads.ts).
  const enforced = required.filter((entry) => entry.type !== "repository" || entry.name === match.params.name);
  return services.tokens.authorize(req.headers.authorization, required, enforced);
}

function fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // An unread body (a 401 before a large PATCH) would otherwise have to be drained first.
  if (!req.readableEnded && hasBody(req)) res.setHeader("Connection", "close");
  if (error instanceof RegistryError) {
    sendError(res, error);
    return;
  }
  process.stderr.write(`acr-emulator: internal error on ${req.method} request: ${(error as Error)?.message}\n`);
  sendError(res, new RegistryError(500, "UNKNOWN", "internal emulator error"));
}

/** The HTTP listener: routing, method check, authentication and dispatch by the route table; error format; request log. */
export function createListener(
  services: () => Services | undefined,
  log: (entry: RequestLogEntry) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://emulator");
    let operation: string | undefined;
    res.on("finish", () => {
      const query = new URLSearchParams(url.search);
      if (query.has("sig")) query.set("sig", "REDACTED");
      const path = decodePath(url.pathname);
      log({ method: req.method ?? "", path, query: query.toString(), operation, status: res.statusCode, durationMs: performance.now() - started });
    });
    const handle = async (): Promise<void> => {
      const shared = services();
      if (!shared) throw new RegistryError(503, "UNAVAILABLE", "the emulator is starting or stopping");
      const match = matchRoute(url.pathname);
      if (match?.route.kind !== "storage") res.setHeader("Docker-Distribution-Api-Version", "registry/2.0");
      if (!match) {
        sendJson(res, 404, { errors: [{ code: "NOT_FOUND", message: `no endpoint at ${url.pathname}` }] });
        return;
      }
      operation = match.route.kind;
      if (!match.route.methods.includes(req.method ?? "")) throw unsupported();
      const granted = authorize(shared, req, match, url.searchParams);
      await match.route.handle({ ...shared, req, res, query: url.searchParams, granted }, match.params);
    };
    handle().catch((error: unknown) => fail(req, res, error));
  };
}
