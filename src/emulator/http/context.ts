import type { IncomingMessage, ServerResponse } from "node:http";
import type { TokenService } from "../auth/tokenService.js";
import type { Registry } from "../registry.js";
import type { Uploads } from "../uploads.js";
import type { StorageLinks } from "./storageLinks.js";

export interface Settings {
  endpoint: string;
  serviceName: string;
  authentication: boolean;
  maxPageSize: number;
  redirectBlobDownloads: boolean;
  /** The `X-IDENTITY-HEADER` value the managed identity endpoint expects. */
  identityHeader: string;
}

/** What a handler gets for one request. */
export interface Context {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  registry: Registry;
  uploads: Uploads;
  tokens: TokenService;
  links: StorageLinks;
  settings: Settings;
}

/** Whether the caller may use `action` on a repository (always, when authentication is off). */
export function callerMay(ctx: Context, repository: string, action: string): boolean {
  return !ctx.settings.authentication || ctx.tokens.allows(ctx.req.headers.authorization, repository, action);
}
