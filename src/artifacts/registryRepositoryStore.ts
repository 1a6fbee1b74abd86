import type { OperationOptions } from "@azure/core-client";
import { isRestError } from "@azure/core-rest-pipeline";
import type { ContainerRegistryContentClient } from "../content/contentClient.js";
import type { GetManifestResult, OciDescriptor } from "../content/models.js";
import { ArtifactNotFoundError } from "../errors/artifactNotFoundError.js";
import { endpointHost } from "../http/endpoint.js";
import { blobProgress, type ArtifactStore, type BlobPushOutcome, type SourceBlob, type TransferOptions } from "./store.js";

function isNotFound(error: unknown): boolean {
  return isRestError(error) && error.statusCode === 404;
}

/** Only what an operation needs of the copy's options: its signal and tracing. */
function operation(options: OperationOptions): OperationOptions {
  return { abortSignal: options.abortSignal, tracingOptions: options.tracingOptions };
}

/**
 * A registry repository as a copy's source or target, through its content client's public
 * operations: each side keeps its own client, so the credentials of the two never meet.
 */
export class RegistryRepositoryStore implements ArtifactStore {
  readonly location: string;

  constructor(private readonly client: ContainerRegistryContentClient) {
    this.location = `${endpointHost(client.endpoint)}/${client.repositoryName}`;
  }

  async fetchManifest(reference: string, options: OperationOptions): Promise<GetManifestResult> {
    try {
      return await this.client.getManifest(reference, operation(options));
    } catch (error) {
      if (isNotFound(error)) throw new ArtifactNotFoundError(reference, this.location, undefined, { cause: error });
      throw error;
    }
  }

  blob(descriptor: OciDescriptor): SourceBlob {
    const client = this.client;
    return {
      descriptor,
      client,
      async open(options) {
        return (await client.downloadBlob(descriptor.digest, { ...operation(options), onProgress: blobProgress(options) })).content;
      },
      async saveTo(filePath, options) {
        await client.downloadBlobToFile(descriptor.digest, filePath, { ...operation(options), onProgress: blobProgress(options) });
      },
    };
  }

  async *listReferrers(digest: string, options: OperationOptions): AsyncIterable<OciDescriptor> {
    yield* this.client.listReferrers(digest, operation(options));
  }

  hasBlob(descriptor: OciDescriptor, options: OperationOptions): Promise<boolean> {
    return this.client.blobExists(descriptor.digest, operation(options));
  }

  async hasManifest(descriptor: OciDescriptor, options: OperationOptions): Promise<boolean> {
    try {
      await this.client.getManifest(descriptor.digest, operation(options));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * From another registry repository: mounted when both are on one registry, else streamed from
   * its download into this upload (see ContainerRegistryContentClient.copyBlob). From a layout:
   * its file uploaded in two requests (the digest is known), hashed as it is read.
   */
  async pushBlob(blob: SourceBlob, options: TransferOptions & { mount: boolean }): Promise<BlobPushOutcome> {
    const { digest, size } = blob.descriptor;
    if (blob.client) {
      const copied = await this.client.copyBlob(digest, blob.client, { ...operation(options), sizeInBytes: size, mount: options.mount, onProgress: blobProgress(options) });
      if (!copied.mounted) return "copied";
      options.onProgress?.(size);
      return "mounted";
    }
    if (blob.filePath) {
      await this.client.uploadBlob(blob.filePath, { ...operation(options), digest, onProgress: blobProgress(options) });
      return "copied";
    }
    const content = await blob.open(options);
    // The upload reads the stream and gets its errors; until it does (or when it fails before
    // reading, e.g. a refused POST), an abort of the download must not become an uncaught error.
    content.on("error", () => undefined);
    try {
      await this.client.uploadBlob(content, { ...operation(options), digest, sizeInBytes: size });
    } finally {
      (content as Partial<NodeJS.ReadableStream & { destroy(): void }>).destroy?.();
    }
    return "copied";
  }

  async pushManifest(descriptor: OciDescriptor, content: Buffer, options: OperationOptions & { tag?: string }): Promise<void> {
    await this.client.setManifest(content, { ...operation(options), tag: options.tag, mediaType: descriptor.mediaType });
  }
}
