import type { AbortSignalLike } from "@azure/abort-controller";
import type { OperationTracingOptions } from "@azure/core-tracing";
import {
  createHttpHeaders,
  createPipelineRequest,
  decompressResponsePolicyName,
  type HttpClient,
  type HttpMethods,
  type Pipeline,
  type PipelineResponse,
  type RequestBodyType,
  type TransferProgressEvent,
} from "@azure/core-rest-pipeline";
import type { ContainerRegistryClientOptions } from "./clientOptions.js";
import type { RegistryConnection } from "./registryConnection.js";
import { restErrorFromResponse } from "../errors/registryErrors.js";
import { createBarePipeline } from "./barePipeline.js";

/** Returns the response when its status is one of `accepted`; otherwise throws the registry's error as a RestError. */
export function ensureStatus(response: PipelineResponse, accepted: number[]): PipelineResponse {
  if (!accepted.includes(response.status)) throw restErrorFromResponse(response);
  return response;
}

/** One raw request of the content client. */
export interface RawRequest {
  method: HttpMethods;
  url: string;
  headers?: Record<string, string>;
  body?: RequestBodyType;
  /** Statuses whose body is handed over as a stream instead of being read as text. */
  streamStatuses?: number[];
  abortSignal?: AbortSignalLike;
  tracingOptions?: OperationTracingOptions;
  onUploadProgress?: (progress: TransferProgressEvent) => void;
  /** Milliseconds each attempt may wait for the response head before it is aborted (0 or absent: no limit). */
  timeout?: number;
  /**
   * The last hop for this request instead of the client's shared HttpClient; every policy of the
   * pipeline still runs. Redirects followed for it use it too.
   */
  httpClient?: HttpClient;
}

/**
 * The ways the content client reaches a registry and the hosts it redirects to:
 *
 * - `send`: the client's authenticated pipeline (retries, logging, tracing, ACR tokens);
 * - `sendOnce`: the same without the retry policy, for requests whose body is a one-shot stream that
 *   a retry would resend empty or half-read;
 * - `sendAnonymously`: a pipeline with no authentication policy, no user-added policies and no
 *   client request id, for URLs a registry redirected to (blob storage on another host); it follows
 *   further redirects itself since it cannot attach credentials anywhere;
 * - `sendOnceAnonymously`: the same without the retry policy, for one-shot bodies sent to another
 *   host (an upload session whose `Location` points elsewhere).
 *
 * All of them share the caller's `HttpClient`, so connections are pooled and playback sees every request;
 * a request may name another one (`RawRequest.httpClient`) for its last hop only.
 * The response decompression policy is left out: blob bytes must arrive as stored for their digest
 * and for `Range` offsets to hold.
 */
export class RegistryTransport {
  private readonly registryPipeline: Pipeline;
  private readonly oneShotPipeline: Pipeline;
  private readonly anonymousPipeline: Pipeline;
  private readonly anonymousOneShotPipeline: Pipeline;
  private readonly insecureAllowed: boolean;

  constructor(
    readonly connection: RegistryConnection,
    private readonly httpClient: HttpClient,
    options: ContainerRegistryClientOptions,
  ) {
    this.insecureAllowed = new URL(connection.endpoint).protocol === "http:";
    this.registryPipeline = connection.client.pipeline.clone();
    this.registryPipeline.removePolicy({ name: decompressResponsePolicyName });
    this.oneShotPipeline = this.registryPipeline.clone();
    this.oneShotPipeline.removePolicy({ phase: "Retry" });
    // It follows further redirects itself: it attaches no credential anywhere.
    this.anonymousPipeline = createBarePipeline(options, { allowCrossOriginRedirects: true });
    this.anonymousOneShotPipeline = this.anonymousPipeline.clone();
    this.anonymousOneShotPipeline.removePolicy({ phase: "Retry" });
  }

  /** The registry's origin, e.g. `https://myregistry.azurecr.io`. */
  get endpoint(): string {
    return this.connection.endpoint;
  }

  send(request: RawRequest): Promise<PipelineResponse> {
    return this.sendThrough(this.registryPipeline, request);
  }

  sendOnce(request: RawRequest): Promise<PipelineResponse> {
    return this.sendThrough(this.oneShotPipeline, request);
  }

  sendAnonymously(request: RawRequest): Promise<PipelineResponse> {
    return this.sendThrough(this.anonymousPipeline, request);
  }

  sendOnceAnonymously(request: RawRequest): Promise<PipelineResponse> {
    return this.sendThrough(this.anonymousOneShotPipeline, request);
  }

  private sendThrough(pipeline: Pipeline, request: RawRequest): Promise<PipelineResponse> {
    return pipeline.sendRequest(request.httpClient ?? this.httpClient, this.build(request));
  }

  private build(request: RawRequest): ReturnType<typeof createPipelineRequest> {
    const pipelineRequest = createPipelineRequest({
      url: request.url,
      method: request.method,
      headers: createHttpHeaders(request.headers),
      body: request.body,
      abortSignal: request.abortSignal,
      tracingOptions: request.tracingOptions,
      onUploadProgress: request.onUploadProgress,
      timeout: request.timeout,
      streamResponseStatusCodes: request.streamStatuses ? new Set(request.streamStatuses) : undefined,
      // Plain http only for a registry that is itself on http (a loopback registry): an https
      // registry never gets downgraded by a Location header.
      allowInsecureConnection: this.insecureAllowed,
    });
    return pipelineRequest;
  }
}
