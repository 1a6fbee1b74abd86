import { checkedAccounts, type Accounts, type AdminUser, type RepositoryToken } from "./auth/accounts.js";
import { DEFAULT_DEV_TOKEN } from "./credential.js";

export type { AdminUser, RepositoryToken } from "./auth/accounts.js";

/** Options of {@link startAcrEmulator}; every one is optional. */
export interface AcrEmulatorOptions {
  /** TCP port to listen on; 0 (the default) picks a free one (see {@link AcrEmulator.port}). */
  port?: number;
  /** Interface to listen on; default loopback (`127.0.0.1`). An IPv6 address is bracketed in the endpoint. */
  host?: string;
  /** Folder for blobs (content-addressed) and `metadata.json`, so state survives restarts. Default: in memory only. */
  storageDirectory?: string;
  /** The `service` of auth challenges and the audience of tokens; default `<host>:<port>` (the actual port). */
  serviceName?: string;
  /** Let callers without credentials (`grant_type=password`, empty password) obtain pull and catalog tokens. Default false. */
  anonymousPull?: boolean;
  /** Require bearer tokens. Default true; false makes an open registry (the `/oauth2` endpoints still answer). */
  authentication?: boolean;
  /** PEM certificate and private key: serve HTTPS instead of HTTP. Default: HTTP. */
  tls?: {
    /** The server's certificate (chain), PEM. */
    cert: string | Buffer;
    /** The certificate's private key, PEM. */
    key: string | Buffer;
  };
  /** Lifetime of access tokens from `/oauth2/token`, in seconds (positive integer). Default 3600. */
  accessTokenLifetimeSeconds?: number;
  /** Lifetime of refresh tokens from `/oauth2/exchange`, in seconds (positive integer). Default 10800. */
  refreshTokenLifetimeSeconds?: number;
  /** Largest page any listing returns, whatever `n` asks (positive integer); default 1000. */
  maxPageSize?: number;
  /** The token `/oauth2/exchange` accepts in place of a Microsoft Entra token; default {@link DEFAULT_DEV_TOKEN}. */
  devToken?: string;
  /** Answer blob GETs with a 307 to a signed storage link, as ACR does. Default false. */
  redirectBlobDownloads?: boolean;
  /**
   * Enable ACR's admin user: this username and password get tokens for everything, with Basic
   * credentials (`docker login`, `AzureNamedKeyCredential`) or the password grant. Default: disabled.
   */
  adminUser?: AdminUser;
  /** ACR's repository-scoped tokens: usernames and passwords limited to the scopes they list. */
  repositoryTokens?: RepositoryToken[];
}

/** The options with their defaults applied, every one checked. */
export interface EmulatorConfig {
  host: string;
  port: number;
  storageDirectory?: string;
  serviceName?: string;
  anonymousPull: boolean;
  authentication: boolean;
  tls?: { cert: string | Buffer; key: string | Buffer };
  accessTokenLifetimeSeconds: number;
  refreshTokenLifetimeSeconds: number;
  maxPageSize: number;
  devToken: string;
  redirectBlobDownloads: boolean;
  accounts: Accounts;
}

function positiveInteger(value: number | undefined, name: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw new TypeError(`${name} must be a number`);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

/** Applies the defaults; throws `TypeError` / `RangeError` for an invalid option, before anything is opened. */
export function resolveOptions(options: AcrEmulatorOptions): EmulatorConfig {
  const devToken = options.devToken ?? DEFAULT_DEV_TOKEN;
  if (typeof devToken !== "string" || devToken.length === 0) throw new TypeError("devToken must be a non-empty string");
  return {
    host: options.host ?? "127.0.0.1",
    port: positiveInteger(options.port, "port", 0, true),
    storageDirectory: options.storageDirectory,
    serviceName: options.serviceName,
    anonymousPull: options.anonymousPull ?? false,
    authentication: options.authentication ?? true,
    tls: options.tls,
    accessTokenLifetimeSeconds: positiveInteger(options.accessTokenLifetimeSeconds, "accessTokenLifetimeSeconds", 3600),
    refreshTokenLifetimeSeconds: positiveInteger(options.refreshTokenLifetimeSeconds, "refreshTokenLifetimeSeconds", 10800),
    maxPageSize: positiveInteger(options.maxPageSize, "maxPageSize", 1000),
    devToken,
    redirectBlobDownloads: options.redirectBlobDownloads ?? false,
    accounts: checkedAccounts(options.adminUser, options.repositoryTokens),
  };
}
