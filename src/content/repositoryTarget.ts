import type { OperationOptions } from "@azure/core-client";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { ContainerRegistryClientOptions } from "../http/clientOptions.js";
import type { RegistryConnection } from "../http/registryConnection.js";
import { RegistryTransport, type RawRequest } from "../http/registryTransport.js";
import { StaticBufferHttpClient } from "../http/staticBuffer/staticBufferHttpClient.js";
import type { RetrySettings } from "../transfer/retryBackoff.js";

/** How the blob transfers of a client retry, resume and time out (from its options). */
export interface TransferSettings {
  /** Inactivity after which a transfer's request is given up and resumed; 0: never. */
  readonly idleTimeoutInMs: number;
  /** The client's `retryOptions`, with core's defaults: how uploads retry and resume. */
  readonly retry: RetrySettings;
}

/** One repository of a registry as the content operations address it: its `/v2` URLs and the transport to them. */
export interface RepositoryTarget {
  readonly transport: RegistryTransport;
  readonly repositoryName: string;
  /** The last hop of blob GETs into files (see ContainerRegistryContentClient's constructor). */
  readonly fileDownloadHttpClient: HttpClient;
  /** How its blob transfers retry, resume and time out. */
  readonly transfers: TransferSettings;
  /** What the registry was seen to support of the referrers API (learned once per client). */
  readonly referrers: ReferrersCapability;
}

/** Whether a repository's registry has the OCI 1.1 referrers API; undefined until a response tells. */
export interface ReferrersCapability {
  /** True once the API answered (or a push got `OCI-Subject`), false once it answered 404. */
  apiSupported?: boolean;
}

/** The content operations' view of one repository, all its pipelines on one `httpClient`. */
export function repositoryTarget(
  connection: RegistryConnection,
  httpClient: HttpClient,
  options: ContainerRegistryClientOptions,
  repositoryName: string,
  transfers: TransferSettings,
): RepositoryTarget {
  return {
    transport: new RegistryTransport(connection, httpClient, options),
    repositoryName,
    // A caller's own HttpClient (a recorder, a custom transport) sees every request; otherwise
    // files (and copies between registries) are downloaded without an allocation per socket read.
    fileDownloadHttpClient: options.httpClient ?? new StaticBufferHttpClient(httpClient),
    referrers: {},
    transfers,
  };
}

/** `<endpoint>/v2/<name>/<manifests|blobs>/<reference>`. */
export function contentUrl(target: RepositoryTarget, kind: "manifests" | "blobs", reference: string): string {
  return `${target.transport.endpoint}/v2/${target.repositoryName}/${kind}/${reference}`;
}

/** A raw request carrying the operation's abort signal and tracing context. */
export function operationRequest(method: RawRequest["method"], url: string, options: OperationOptions, extra: Partial<RawRequest> = {}): RawRequest {
  return { method, url, abortSignal: options.abortSignal, tracingOptions: options.tracingOptions, ...extra };
}
