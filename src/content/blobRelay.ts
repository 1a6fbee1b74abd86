import type { OperationOptions } from "@azure/core-client";
import { isRestError } from "@azure/core-rest-pipeline";
import { logger } from "../diagnostics/logger.js";
import { DigestMismatchError } from "../errors/digestMismatchError.js";
import type { Readable } from "node:stream";
import type { OpenedBlob } from "../transfer/openedBlob.js";
import { RelayBody } from "../transfer/relayBody.js";
import { uploadBlob } from "../transfer/upload.js";
import type { UploadSource } from "../transfer/uploadSource.js";
import { downloadOptions, mountFrom } from "./blobOperations.js";
import type { CopyBlobOptions, CopyBlobResult } from "./models.js";
import type { RepositoryTarget } from "./repositoryTarget.js";

/**
 * Whether the registry mounted the blob. One that refuses the mount outright (a credential without
 * pull on the source repository may get a 401 or 403 rather than the usual 202) gets it copied.
 */
async function mounted(from: RepositoryTarget, to: RepositoryTarget, digest: string, options: OperationOptions): Promise<boolean> {
  try {
    return (await mountFrom(to, digest, from.repositoryName, options)).mounted;
  } catch (error) {
    if (!isRestError(error) || ![401, 403, 404].includes(error.statusCode ?? 0)) throw error;
    logger.info(`Mounting ${digest} from ${from.repositoryName} was refused (${error.statusCode}); copying it instead`);
    return false;
  }
}

/**
 * Copies a blob from one repository (of any registry) into another: mounted when both are on the
 * same registry and it agrees, otherwise downloaded and uploaded at once, without touching the disk.
 * The download resumes a dropped connection; the upload sends the bytes in one `PUT` with their
 * digest, which the destination checks (so the client hashes nothing: on two cores shared with
 * two registries, that hash was a quarter of the copy's CPU), and resumes like the upload of a file
 * (the source is read again from where the destination stands).
 */
export async function copyBlobBetween(
  from: RepositoryTarget,
  to: RepositoryTarget,
  digest: string,
  options: CopyBlobOptions & OperationOptions & { chunkSizeInBytes: number },
): Promise<CopyBlobResult> {
  const sameRegistry = new URL(from.transport.endpoint).origin === new URL(to.transport.endpoint).origin;
  if ((options.mount ?? true) && sameRegistry && from.repositoryName !== to.repositoryName && (await mounted(from, to, digest, options))) {
    return { digest, sizeInBytes: options.sizeInBytes, mounted: true };
  }
  // The destination's upload reports the progress; the source's download only counts.
  // Nothing is hashed here: the destination checks every byte against the digest (`PUT ?digest=`)
  // and refuses a mismatch, reported below as a DigestMismatchError.
  const download = { ...downloadOptions(from, digest, { ...options, onProgress: undefined }, from.fileDownloadHttpClient), verify: false };
  let first: OpenedBlob | undefined = await download.open(0, options.abortSignal);
  const sizeInBytes = options.sizeInBytes ?? first.totalBytes;
  if (sizeInBytes === undefined) {
    (first.body as Partial<Readable>).destroy?.();
    throw new RangeError(`The source registry did not tell the size of ${digest}: pass sizeInBytes`);
  }
  // A registry blob can be read again from any byte (a Range request): an upload that must resume
  // re-reads the source from where the destination stands, as for a file.
  const source: UploadSource = {
    kind: "seekable",
    sizeInBytes,
    registryCheckedDigest: digest,
    bodyFrom: (offset, onChunk) => {
      // The response opened at 0 serves the first body from 0; any other body opens the blob anew there.
      const reuse = offset === 0 ? first : undefined;
      if (!reuse) (first?.body as Partial<Readable> | undefined)?.destroy?.();
      first = undefined;
      return new RelayBody(download, async () => reuse ?? (await download.open(offset, options.abortSignal)), onChunk, offset);
    },
  };
  try {
    const stored = await uploadBlob(to.transport, source, {
      repositoryName: to.repositoryName,
      chunkSizeInBytes: options.chunkSizeInBytes,
      digest,
      abortSignal: options.abortSignal,
      tracingOptions: options.tracingOptions,
      onProgress: options.onProgress,
      ...to.transfers,
    });
    return { digest, sizeInBytes: stored.sizeInBytes, mounted: false };
  } catch (error) {
    // An upload that failed before reading the download must not leave its connection open.
    (first?.body as Partial<Readable> | undefined)?.destroy?.();
    if (isRestError(error) && error.code === "DIGEST_INVALID") {
      throw new DigestMismatchError(`The bytes of ${digest} read from ${from.repositoryName} do not match their digest: the destination refused them`, digest);
    }
    throw error;
  }
}
