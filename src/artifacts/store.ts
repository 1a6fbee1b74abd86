import type { OperationOptions } from "@azure/core-client";
import type { ContainerRegistryContentClient } from "../content/contentClient.js";
import type { GetManifestResult, OciDescriptor } from "../content/models.js";

// The two sides of a copy, in the spirit of oras-go's targets: a source resolves references and
// hands out manifests, blobs and referrers; a target says what it has and takes blobs and
// manifests. A registry repository and an OCI image layout are both; the copy engine knows only these.

/** What a transfer of one blob is told: the operation's signal and tracing, and where to report bytes. */
export interface TransferOptions extends OperationOptions {
  /** Bytes of this blob moved so far. */
  onProgress?: (loadedBytes: number) => void;
}

/** A blob of a source, and the ways a target can take it: copy from a registry, upload a file, stream, or save into a file. */
export interface SourceBlob {
  readonly descriptor: OciDescriptor;
  /** The client of the registry repository that holds the blob: a registry target copies (or mounts) from it. */
  readonly client?: ContainerRegistryContentClient;
  /** A file holding exactly the blob's bytes (a layout's): a registry target uploads it from disk. */
  readonly filePath?: string;
  /** The blob's bytes as a stream that fails with a DigestMismatchError unless they match the digest. */
  open(options: TransferOptions): Promise<NodeJS.ReadableStream>;
  /** Writes the blob into `filePath` atomically (a temporary file renamed once the digest matched). */
  saveTo(filePath: string, options: TransferOptions): Promise<void>;
}

/** Where content is read from. */
export interface ArtifactSource {
  /** `<registry>/<repository>` or the layout's folder, for messages. */
  readonly location: string;
  /** A manifest by tag or digest, verified; an ArtifactNotFoundError when there is none. */
  fetchManifest(reference: string, options: OperationOptions): Promise<GetManifestResult>;
  /** A blob the source holds (nothing is read until the target asks). */
  blob(descriptor: OciDescriptor): SourceBlob;
  /** The referrers of a manifest (OCI 1.1 `subject`), as descriptors. */
  listReferrers(digest: string, options: OperationOptions): AsyncIterable<OciDescriptor>;
}

/** How a target took a blob it did not have. */
export type BlobPushOutcome = "copied" | "mounted";

/** Where content is written. */
export interface ArtifactTarget {
  /** `<registry>/<repository>` or the layout's folder, for messages. */
  readonly location: string;
  hasBlob(descriptor: OciDescriptor, options: OperationOptions): Promise<boolean>;
  hasManifest(descriptor: OciDescriptor, options: OperationOptions): Promise<boolean>;
  /** Takes a blob from a source, verified; `mount` allows a cross-repository mount on the same registry. */
  pushBlob(blob: SourceBlob, options: TransferOptions & { mount: boolean }): Promise<BlobPushOutcome>;
  /**
   * Stores a manifest's exact bytes, by digest, or under `tag` as well. `root` marks the manifest
   * a copy was asked for (a layout lists it in `index.json` even without a tag).
   */
  pushManifest(descriptor: OciDescriptor, content: Buffer, options: OperationOptions & { tag?: string; root?: boolean }): Promise<void>;
}

/** Both sides at once: what `copyArtifact` accepts for either. */
export type ArtifactStore = ArtifactSource & ArtifactTarget;

/** A transfer's byte count as the content client's `onProgress` reports it. */
export function blobProgress(options: TransferOptions): ((progress: { loadedBytes: number }) => void) | undefined {
  const report = options.onProgress;
  return report && (({ loadedBytes }) => report(loadedBytes));
}
