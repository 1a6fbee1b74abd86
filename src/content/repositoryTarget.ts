import type { OperationOptions } from "@azure/core-client";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { RawRequest, RegistryTransport } from "../http/registryTransport.js";
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
  readonly transfers: TransferSettings;
}

/** `<endpoint>/v2/<name>/<manifests|blobs>/<reference>`. */
export function contentUrl(target: RepositoryTarget, kind: "manifests" | "blobs", reference: string): string {
  return `${target.transport.endpoint}/v2/${target.repositoryName}/${kind}/${reference}`;
}

/** A raw request carrying the operation's abort signal and tracing context. */
export function operationRequest(method: RawRequest["method"], url: string, options: OperationOptions, extra: Partial<RawRequest> = {}): RawRequest {
  return { method, url, abortSignal: options.abortSignal, tracingOptions: options.tracingOptions, ...extra };
}
