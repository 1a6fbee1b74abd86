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
      repository: { endpoint: client.endpoint, repositoryName: client.repositoryName },
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
   * Mounts the blob from a repository of the same registry when allowed; otherwise uploads it in
   * two requests (its digest is known): from the source's file when it has one, else streamed
   * from the source's download, which verifies the bytes on their way through.
   */
  async pushBlob(blob: SourceBlob, options: TransferOptions & { mount: boolean }): Promise<BlobPushOutcome> {
    const { digest, size } = blob.descriptor;
    const from = blob.repository;
    if (options.mount && from && new URL(from.endpoint).origin === new URL(this.client.endpoint).origin && from.repositoryName !== this.client.repositoryName) {
      if ((await this.client.mountBlob(digest, from.repositoryName, operation(options))).mounted) {
        options.onProgress?.(size);
        return "mounted";
      }
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
      // An upload that failed before reading its source to the end must not leave the download open.
      (content as Partial<NodeJS.ReadableStream & { destroy(): void }>).destroy?.();
    }
    return "copied";
  }

  async pushManifest(descriptor: OciDescriptor, content: Buffer, options: OperationOptions & { tag?: string }): Promise<void> {
    await this.client.setManifest(content, { ...operation(options), tag: options.tag, mediaType: descriptor.mediaType });
  }
}
