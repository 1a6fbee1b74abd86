import { RestError, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";

/**
 * The `code` of every `RestError` this library raises itself (a registry's own codes, such as
 * `MANIFEST_UNKNOWN`, come from its error body). Failures on the wire or in what a registry sent
 * are `RestError`s with one of these codes, so one `isRestError(e)` check and a look at `e.code`
 * covers them all; bad arguments are `TypeError` / `RangeError` instead.
 */
export enum KnownContainerRegistryErrorCode {
  /** A response the library interprets does not have the protocol's shape; the message names the field. */
  InvalidResponse = "InvalidResponse",
  /** A fetched manifest is not a JSON object, or one of its fields has the wrong shape. */
  InvalidManifest = "InvalidManifest",
  /** A fetched manifest is larger than 4 MiB. */
  ManifestTooLarge = "ManifestTooLarge",
  /** A response's `Content-Length` is not a number, or its repeated values disagree. */
  InvalidContentLength = "InvalidContentLength",
  /** A response's status line and headers are larger than 64 KiB. */
  ResponseHeadTooLarge = "ResponseHeadTooLarge",
  /** A response's status line or a header line is malformed. */
  InvalidResponseHead = "InvalidResponseHead",
  /** A resumed download's `206` does not start at or before the byte the download stopped at. */
  UnexpectedContentRange = "UnexpectedContentRange",
  /** More redirects than the library follows for one request. */
  TooManyRedirects = "TooManyRedirects",
  /** A redirect leads back to a URL already visited for the same request. */
  RedirectLoop = "RedirectLoop",
  /** A listing's `rel="next"` link leads back to a page already read. */
  PaginationLoop = "PaginationLoop",
  /** A download's connection dropped and every resume attempt (`maxResumeAttempts`) failed. */
  ConnectionDropped = "ConnectionDropped",
  /**
   * No byte moved for `idleTimeoutInMs` (no response head, no body byte either way), and every
   * resume attempt stalled or failed too. Retrying later may succeed.
   */
  TransferStalled = "TransferStalled",
  /**
   * An upload failed part-way and cannot be continued: the content was a one-shot stream, and the
   * registry does not hold every byte already read from it (or lost its upload session). Uploading
   * again from the start, with the content again, may succeed; a `Buffer` or a file path resumes
   * wherever the registry stands.
   */
  UploadNotResumable = "UploadNotResumable",
  /** A token endpoint answered without the token it is asked for. */
  InvalidTokenResponse = "InvalidTokenResponse",
  /** The credential returned no token. */
  CredentialUnavailable = "CredentialUnavailable",
}

/** Where a failure happened: the response when there is one, else the request. */
export interface ErrorContext {
  request?: PipelineRequest;
  response?: PipelineResponse;
}

/** A `RestError` of this library's own, with its `code`, status and request (non-enumerable, as core keeps them). */
export function clientError(code: KnownContainerRegistryErrorCode, message: string, context: ErrorContext = {}): RestError {
  const { response } = context;
  return new RestError(message, { code, statusCode: response?.status, request: response?.request ?? context.request, response });
}
