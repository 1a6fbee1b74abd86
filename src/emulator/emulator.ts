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

export interface AcrEmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; loopback (`127.0.0.1`) unless another one is given explicitly. */
  host?: string;
  /** Folder for blobs (content-addressed) and `metadata.json`; state survives restarts. Absent: in memory. */
  storageDirectory?: string;
  /** The `service` of challenges and the audience of tokens; default `<host>:<port>`. */
  serviceName?: string;
  /** Let `grant_type=password` without credentials obtain pull / catalog tokens. Default false. */
  anonymousPull?: boolean;
  /** Require tokens. Default true; false makes an open registry (the `/oauth2` endpoints still answer). */
  authentication?: boolean;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Default 3600. */
  accessTokenLifetimeSeconds?: number;
  /** Default 10800. */
  refreshTokenLifetimeSeconds?: number;
  /** Largest page any listing returns, whatever `n` asks; default 1000. */
  maxPageSize?: number;
  /** The token `/oauth2/exchange` accepts in place of a Microsoft Entra token; default {@link DEFAULT_DEV_TOKEN}. */
  devToken?: string;
  /** Answer blob GETs with a 307 to a signed storage link, as ACR does. Default false. */
  redirectBlobDownloads?: boolean;
}

export interface RequestFilter {
  method?: string;
  /** Decoded path, exactly or by pattern. */
  path?: string | RegExp;
  operation?: string;
}

/** Environment variables that make `DefaultAzureCredential` get the dev token from the emulator. */
export interface ManagedIdentityEnvironment {
  IDENTITY_ENDPOINT: string;
  IDENTITY_HEADER: string;
}

export interface AcrEmulator {
  /** Base URL, e.g. `http://127.0.0.1:51234`. */
  readonly endpoint: string;
  readonly port: number;
  readonly serviceName: string;
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
  countRequests(filter?: RequestFilter): number;
  clearRequestLog(): void;
  /** Loads repositories, blobs, manifests (bytes, or metadata only), tags and attributes. */
  seed(state: EmulatorState): Promise<void>;
  /** The current state; blob bytes only when asked (they can be large). */
  snapshot(options?: { includeBlobContent?: boolean }): Promise<EmulatorState>;
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

/** Starts an emulator of Azure Container Registry's data plane: OCI distribution, `/acr/v1` and `/oauth2`. */
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
