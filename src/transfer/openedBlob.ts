import type { AbortSignalLike } from "@azure/abort-controller";
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { clientError, KnownContainerRegistryErrorCode } from "../errors/errorCodes.js";
import { restErrorFromResponse } from "../errors/registryErrors.js";

/** A response body positioned in a blob: `skip` leading bytes are ones the reader already has. */
export interface OpenedBlob {
  body: NodeJS.ReadableStream;
  skip: number;
  /** The blob's full size, when the response tells it. */
  totalBytes?: number;
}

/** Opens the blob at a byte offset (a `Range` request when the offset is not 0). */
export type BlobOpener = (offset: number, abortSignal?: AbortSignalLike) => Promise<OpenedBlob>;

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

/** Reads where a (possibly ranged) blob response starts and what it says of the blob's size. */
export function positionOf(response: PipelineResponse, offset: number): OpenedBlob {
  const body = response.readableStreamBody;
  if ((response.status !== 200 && response.status !== 206) || !body) {
    throw restErrorFromResponse(response);
  }
  const length = Number(response.headers.get("content-length") ?? NaN);
  if (response.status === 200) {
    // The server ignored the Range: the bytes already delivered are skipped, not delivered again.
    return { body, skip: offset, totalBytes: Number.isSafeInteger(length) ? length : undefined };
  }
  const match = CONTENT_RANGE.exec(response.headers.get("content-range") ?? "");
  const start = match ? Number(match[1]) : NaN;
  if (!(start <= offset)) {
    body.resume();
    throw clientError(
      KnownContainerRegistryErrorCode.UnexpectedContentRange,
      `Cannot resume the download at byte ${offset}: the registry answered with Content-Range "${(response.headers.get("content-range") ?? "").slice(0, 100)}"`,
      { response },
    );
  }
  return { body, skip: offset - start, totalBytes: match![3] === "*" ? undefined : Number(match![3]) };
}
