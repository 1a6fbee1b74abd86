import type { TokenCredential } from "@azure/core-auth";
import { randomUUID } from "node:crypto";
import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { REFRESH_TOKEN_USERNAME, TokenService } from "./auth/tokenService.js";
import { devTokenCredential } from "./credential.js";
import type { Services } from "./http/context.js";
import { StorageLinks } from "./http/storageLinks.js";
import { openRegistry, type OpenedRegistry } from "./openRegistry.js";
import { resolveOptions, type AcrEmulatorOptions, type EmulatorConfig } from "./options.js";
import { createListener, type RequestLogEntry } from "./server.js";
import { exportState, importState, type EmulatorState } from "./state.js";
import { Uploads } from "./uploads.js";

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

/** Docker's `config.json` as `az acr login` leaves it for one registry: a refresh token as `identitytoken`. */
export interface DockerLoginConfig {
  /** By `host:port`: the registry's entry. */
  auths: Record<
    string,
    {
      /** Base64 of `<user>:<password>`: the null-GUID user and an empty password, as `az acr login` writes. */
      auth: string;
      /** A refresh token of the emulator, which `/oauth2/token` exchanges for access tokens. */
      identitytoken: string;
    }
  >;
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
  /**
   * What `az acr login` writes into Docker's `config.json` for this registry: under its `host:port`,
   * `auth` for the user `00000000-0000-0000-0000-000000000000` with an empty password, and a fresh
   * refresh token as `identitytoken` (exchanged for access tokens with `grant_type=refresh_token`).
   * Write it as `config.json` of a folder to test Docker-config credentials offline.
   */
  dockerLoginConfig(): DockerLoginConfig;
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

function matches(entry: RequestLogEntry, filter: RequestFilter): boolean {
  if (filter.method !== undefined && entry.method !== filter.method.toUpperCase()) return false;
  if (filter.operation !== undefined && entry.operation !== filter.operation) return false;
  if (filter.path instanceof RegExp) return filter.path.test(entry.path);
  return filter.path === undefined || entry.path === filter.path;
}

/** Listens on the configured interface and port; resolves with the port (the one picked for port 0). */
async function listen(server: Server, config: EmulatorConfig): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** What the emulator is to its clients once it listens: its URL and the `service` of its tokens. */
interface Address {
  endpoint: string;
  port: number;
  serviceName: string;
}

function addressOf(config: EmulatorConfig, port: number): Address {
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return { endpoint: `${config.tls ? "https" : "http"}://${host}:${port}`, port, serviceName: config.serviceName ?? `${config.host}:${port}` };
}

/** The services requests share, built once the address (the tokens' audience and realm) is known. */
function createServices(config: EmulatorConfig, address: Address, opened: OpenedRegistry): Services {
  const tokens = new TokenService({
    service: address.serviceName,
    realm: `${address.endpoint}/oauth2/token`,
    devToken: config.devToken,
    anonymousPull: config.anonymousPull,
    accessTokenLifetimeSeconds: config.accessTokenLifetimeSeconds,
    refreshTokenLifetimeSeconds: config.refreshTokenLifetimeSeconds,
    accounts: config.accounts,
  });
  const settings = {
    endpoint: address.endpoint,
    serviceName: address.serviceName,
    authentication: config.authentication,
    maxPageSize: config.maxPageSize,
    redirectBlobDownloads: config.redirectBlobDownloads,
    identityHeader: randomUUID(),
  };
  return { registry: opened.registry, uploads: new Uploads(opened.registry.blobs), tokens, links: new StorageLinks(), settings };
}

/** The parts of a running emulator; `stop` ends serving (uploads and saves are finished after it). */
interface Running {
  address: Address;
  services: Services;
  opened: OpenedRegistry;
  log: RequestLogEntry[];
  stop: () => Promise<void>;
}

/** The handle {@link startAcrEmulator} returns. */
function emulatorHandle({ address, services, opened, log, stop }: Running): AcrEmulator {
  const { registry } = opened;
  return {
    ...address,
    devToken: services.tokens.devToken,
    credential: devTokenCredential(services.tokens.devToken),
    managedIdentityEnvironment: { IDENTITY_ENDPOINT: `${address.endpoint}/_identity/token`, IDENTITY_HEADER: services.settings.identityHeader },
    dockerLoginConfig: () => ({
      auths: {
        [new URL(address.endpoint).host]: {
          auth: Buffer.from(`${REFRESH_TOKEN_USERNAME}:`).toString("base64"),
          identitytoken: services.tokens.refreshToken(),
        },
      },
    }),
    requestLog: log,
    countRequests: (filter = {}) => log.filter((entry) => matches(entry, filter)).length,
    clearRequestLog: () => {
      log.length = 0;
    },
    seed: async (state) => {
      await importState(registry, state);
      opened.save();
    },
    snapshot: (options = {}) => exportState(registry, { manifestContent: true, blobContent: options.includeBlobContent ?? false }),
    close: async () => {
      await stop();
      await services.uploads.cancelAll();
      await opened.flush();
    },
  };
}

/**
 * Starts an emulator of Azure Container Registry's data plane: OCI distribution, `/acr/v1` and `/oauth2`.
 * Resolves once it listens; throws `TypeError` / `RangeError` for invalid options.
 */
export async function startAcrEmulator(options: AcrEmulatorOptions = {}): Promise<AcrEmulator> {
  const config = resolveOptions(options);
  const opened = await openRegistry(config.storageDirectory);
  const log: RequestLogEntry[] = [];
  // Requests that arrive before the services exist (or after close) get 503.
  let services: Services | undefined;
  const listener: RequestListener = createListener(() => services, (entry) => log.push(entry));
  const server = config.tls ? createHttpsServer({ cert: config.tls.cert, key: config.tls.key }, listener) : createHttpServer(listener);
  const address = addressOf(config, await listen(server, config));
  services = createServices(config, address, opened);
  const stop = async (): Promise<void> => {
    services = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return emulatorHandle({ address, services, opened, log, stop });
}
