import type { IncomingMessage, ServerResponse } from "node:http";
import { requiredAccess } from "./auth/requiredAccess.js";
import { RegistryError, unsupported } from "./errors.js";
import { handleAcrCatalog, handleAcrManifest, handleAcrManifests, handleAcrRepository, handleAcrTag, handleAcrTags } from "./handlers/acrMetadata.js";
import { handleBlob, handleStorage } from "./handlers/blobs.js";
import { handleCatalog, handleReferrers, handleTagsList } from "./handlers/listings.js";
import { handleManifest } from "./handlers/manifests.js";
import { handleExchange, handleIdentity, handleToken } from "./handlers/oauth.js";
import { handleUploadSession, handleUploadStart } from "./handlers/uploads.js";
import { hasBody } from "./http/body.js";
import type { Context } from "./http/context.js";
import { sendError, sendJson } from "./http/respond.js";
import { METHODS, route, type Route } from "./http/router.js";

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

type Dependencies = Omit<Context, "req" | "res" | "query">;

async function dispatch(ctx: Context, target: Route): Promise<void> {
  switch (target.kind) {
    case "base":
      sendJson(ctx.res, 200, {});
      return;
    case "catalog":
      return handleCatalog(ctx);
    case "tags":
      return handleTagsList(ctx, target.name);
    case "manifest":
      return handleManifest(ctx, target.name, target.reference);
    case "blob":
      return handleBlob(ctx, target.name, target.reference);
    case "uploads":
      return handleUploadStart(ctx, target.name);
    case "upload":
      return handleUploadSession(ctx, target.name, target.reference);
    case "referrers":
      return handleReferrers(ctx, target.name, target.reference);
    case "storage":
      return handleStorage(ctx, target.reference);
    case "acrCatalog":
      return handleAcrCatalog(ctx);
    case "acrRepository":
      return handleAcrRepository(ctx, target.name);
    case "acrTags":
      return handleAcrTags(ctx, target.name);
    case "acrTag":
      return handleAcrTag(ctx, target.name, target.reference);
    case "acrManifests":
      return handleAcrManifests(ctx, target.name);
    case "acrManifest":
      return handleAcrManifest(ctx, target.name, target.reference);
    case "exchange":
      return handleExchange(ctx);
    case "token":
      return handleToken(ctx);
    case "identity":
      return handleIdentity(ctx);
  }
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

/** The HTTP listener: routing, method check, authentication, dispatch, error format, request log. */
export function createListener(
  dependencies: () => Dependencies | undefined,
  log: (entry: RequestLogEntry) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://emulator");
    let operation: string | undefined;
    res.on("finish", () => {
      const query = new URLSearchParams(url.search);
      if (query.has("sig")) query.set("sig", "REDACTED");
      let path = url.pathname;
      try {
        path = decodeURIComponent(path);
      } catch {
        // keep the raw path
      }
      log({ method: req.method ?? "", path, query: query.toString(), operation, status: res.statusCode, durationMs: performance.now() - started });
    });
    const handle = async (): Promise<void> => {
      const deps = dependencies();
      if (!deps) throw new RegistryError(503, "UNAVAILABLE", "the emulator is starting or stopping");
      const target = route(url.pathname);
      if (target?.kind !== "storage") res.setHeader("Docker-Distribution-Api-Version", "registry/2.0");
      if (!target) {
        sendJson(res, 404, { errors: [{ code: "NOT_FOUND", message: `no endpoint at ${url.pathname}` }] });
        return;
      }
      operation = target.kind;
      if (!METHODS[target.kind].includes(req.method ?? "")) throw unsupported();
      const ctx: Context = { ...deps, req, res, query: url.searchParams };
      const required = requiredAccess(target, req.method ?? "");
      if (deps.settings.authentication && required) deps.tokens.authorize(req.headers.authorization, required);
      await dispatch(ctx, target);
    };
    handle().catch((error: unknown) => fail(req, res, error));
  };
}
