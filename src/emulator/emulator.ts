import type { TokenCredential } from "@azure/core-auth";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { TokenService } from "./auth/token-service.js";
import { DEFAULT_DEV_TOKEN, devTokenCredential } from "./credential.js";
import type { Context, Settings } from "./http/context.js";
import { StorageLinks } from "./http/storage-links.js";
import { Registry } from "./registry.js";
import { createListener, type RequestLogEntry } from "./server.js";
import { exportState, importState, type EmulatorState } from "./state.js";
import type { BlobStore } from "./storage/blob-store.js";
import { FolderBlobStore } from "./storage/folder-blob-store.js";
import { MemoryBlobStore } from "./storage/memory-blob-store.js";
import { MetadataFile } from "./storage/metadata-file.js";
import { Uploads } from "./uploads.js";

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
}

/** Which {@link RequestLogEntry | request log entries} to count; an entry must match every field given. */
export interface RequestFilter {
  /** HTTP method, compared case-insensitively (`get` matches `GET`). */
  method?: string;
  /** Decoded path, matched exactly (string) or tested against (RegExp). */
  path?: string | RegExp;
  /** Endpoint name, as in {@link RequestLogEntry.operation} (`manifest`, `blob`, `acrTags`, ...). */
  operation?: string;
}

/** Environment variables that make `DefaultAzureCredential` get the dev token from the emulator. */
export interface ManagedIdentityEnvironment {
  /** The emulator's managed identity endpoint, `<endpoint>/_identity/token`. */
  IDENTITY_ENDPOINT: string;
  /** A random secret, new for each emulator instance, that requests to the endpoint must send as `X-IDENTITY-HEADER`. */
  IDENTITY_HEADER: string;
}

/** A running emulator, as {@link startAcrEmulator} returns it. */
export interface AcrEmulator {
  /** Base URL, e.g. `http://127.0.0.1:51234`. */
  readonly endpoint: string;
  /** The TCP port it listens on (the one picked when {@link AcrEmulatorOptions.port} was 0). */
  readonly port: number;
  /** The `service` of its auth challenges and the audience of its tokens. */
  readonly serviceName: string;
  /** The token `/oauth2/exchange` accepts in place of a Microsoft Entra token, and {@link AcrEmulator.credential} returns. */
  readonly devToken: string;
  /** Returns the dev token: `new ContainerRegistryClient(emulator.endpoint, emulator.credential)`. */
  readonly credential: TokenCredential;
  /**
   * Set these in `process.env` (or a child's environment) and `new DefaultAzureCredential()` obtains
   * the dev token from the emulator's managed identity endpoint: samples and applications written for
   * a real registry run against the emulator unchanged.
   */
  readonly managedIdentityEnvironment: ManagedIdentityEnvironment;
  /** Every request served so far, oldest first. */
  readonly requestLog: readonly RequestLogEntry[];
  /** How many entries of {@link AcrEmulator.requestLog} match `filter`; all of them without one. */
  countRequests(filter?: RequestFilter): number;
  /** Empties {@link AcrEmulator.requestLog} (in place: the same array stays valid). */
  clearRequestLog(): void;
  /**
   * Loads repositories, blobs, manifests (bytes, or metadata only), tags and attributes, adding to or
   * replacing what is there (nothing is removed). Throws `RangeError` when content does not match its
   * digest, a blob has no content and is not stored, or a tag points at an unknown manifest.
   */
  seed(state: EmulatorState): Promise<void>;
  /**
   * The current state in the {@link AcrEmulator.seed} format: every repository with its times and
   * attributes, blob digests and sizes, manifests (with their bytes when known) and tags. Blob bytes
   * are included only with `includeBlobContent: true` (default false: they can be large).
   */
  snapshot(options?: { includeBlobContent?: boolean }): Promise<EmulatorState>;
  /** Stops the server (dropping open connections), cancels unfinished uploads and waits for pending metadata saves. */
  close(): Promise<void>;
}

function positiveInteger(value: number | undefined, name: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw new TypeError(`${name} must be a number`);
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

function matches(entry: RequestLogEntry, filter: RequestFilter): boolean {
  if (filter.method !== undefined && entry.method !== filter.method.toUpperCase()) return false;
  if (filter.operation !== undefined && entry.operation !== filter.operation) return false;
  if (filter.path instanceof RegExp) return filter.path.test(entry.path);
  return filter.path === undefined || entry.path === filter.path;
}

/**
 * Starts an emulator of Azure Container Registry's data plane: OCI distribution, `/acr/v1` and `/oauth2`.
 * Resolves once it listens; throws `TypeError` / `RangeError` for invalid options.
 */
export async function startAcrEmulator(options: AcrEmulatorOptions = {}): Promise<AcrEmulator> {
  const host = options.host ?? "127.0.0.1";
  const port = positiveInteger(options.port, "port", 0, true);
  const devToken = options.devToken ?? DEFAULT_DEV_TOKEN;
  if (typeof devToken !== "string" || devToken.length === 0) throw new TypeError("devToken must be a non-empty string");

  const blobs: BlobStore = options.storageDirectory
    ? await FolderBlobStore.open(options.storageDirectory)
    : new MemoryBlobStore();
  const metadata = options.storageDirectory ? new MetadataFile(join(options.storageDirectory, "metadata.json")) : undefined;
  // Manifest bytes are in the blob store already, so the metadata file holds no content.
  const save = (): void => metadata?.schedule(() => exportState(registry, { manifestContent: false, blobContent: false }));
  let loading = true;
  const registry: Registry = new Registry(blobs, () => {
    if (!loading) save();
  });
  const persisted = await metadata?.load();
  if (persisted) await importState(registry, persisted as EmulatorState);
  loading = false;

  const log: RequestLogEntry[] = [];
  let dependencies: Omit<Context, "req" | "res" | "query"> | undefined;
  const listener = createListener(() => dependencies, (entry) => log.push(entry));
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const actualPort = (server.address() as AddressInfo).port;
  const endpoint = `${options.tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${actualPort}`;
  const serviceName = options.serviceName ?? `${host}:${actualPort}`;
  const settings: Settings = {
    endpoint,
    serviceName,
    authentication: options.authentication ?? true,
    maxPageSize: positiveInteger(options.maxPageSize, "maxPageSize", 1000),
    redirectBlobDownloads: options.redirectBlobDownloads ?? false,
    identityHeader: randomUUID(),
  };
  const tokens = new TokenService({
    service: serviceName,
    realm: `${endpoint}/oauth2/token`,
    devToken,
    anonymousPull: options.anonymousPull ?? false,
    accessTokenLifetimeSeconds: positiveInteger(options.accessTokenLifetimeSeconds, "accessTokenLifetimeSeconds", 3600),
    refreshTokenLifetimeSeconds: positiveInteger(options.refreshTokenLifetimeSeconds, "refreshTokenLifetimeSeconds", 10800),
  });
  const uploads = new Uploads(blobs);
  dependencies = { registry, uploads, tokens, links: new StorageLinks(), settings };

  return {
    endpoint,
    port: actualPort,
    serviceName,
    devToken,
    credential: devTokenCredential(devToken),
    managedIdentityEnvironment: { IDENTITY_ENDPOINT: `${endpoint}/_identity/token`, IDENTITY_HEADER: settings.identityHeader },
    requestLog: log,
    countRequests: (filter = {}) => log.filter((entry) => matches(entry, filter)).length,
    clearRequestLog: () => {
      log.length = 0;
    },
    seed: async (state) => {
      await importState(registry, state);
      save();
    },
    snapshot: (snapshotOptions = {}) =>
      exportState(registry, { manifestContent: true, blobContent: snapshotOptions.includeBlobContent ?? false }),
    close: async () => {
      dependencies = undefined;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await uploads.cancelAll();
      await metadata?.flush();
    },
  };
}
