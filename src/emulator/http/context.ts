import type { IncomingMessage, ServerResponse } from "node:http";
import { missingAccess, type ScopeEntry } from "../../protocol/scopes.js";
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

/** What a matched path names; "" where the route has no such part. */
export interface RouteParams {
  /** The repository (`library/hello-world`). */
  name: string;
  /** What the path ends with: a tag or digest, an upload session id, a stored blob's hex. */
  reference: string;
}

/** What every request shares: the emulator's state and services. */
export interface Services {
  registry: Registry;
  uploads: Uploads;
  tokens: TokenService;
  links: StorageLinks;
  settings: Settings;
}

/** What a handler gets for one request. */
export interface Context extends Services {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  /** What the request's token grants; undefined when authentication is off (everything is granted). */
  granted?: readonly ScopeEntry[];
}

/** Whether the request's token grants `action` on a repository (always, when authentication is off). */
export function callerMay(ctx: Context, repository: string, action: string): boolean {
  return !ctx.granted || missingAccess([{ type: "repository", name: repository, actions: [action] }], ctx.granted).length === 0;
}
