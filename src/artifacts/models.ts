import type { OperationOptions } from "@azure/core-client";
import type { PlatformSelector } from "../protocol/platform.js";

/** Blob transfers a copy runs at once, unless told otherwise (measured: see docs/artifacts.md). */
export const DEFAULT_COPY_CONCURRENCY = 4;

/** What happened to one blob of a copy. */
export type CopiedBlobState = "transferring" | "copied" | "mounted" | "skipped";

/** Progress of a {@link copyArtifact}: the blob an event is about, and the copy as a whole. */
export interface CopyProgress {
  /** The blob this event is about. */
  blob: {
    /** Its digest. */
    digest: string;
    /** Its size in bytes. */
    sizeInBytes: number;
    /** Bytes of it moved so far (its size once it was mounted or skipped). */
    loadedBytes: number;
    /** `transferring` while its bytes move; then how it ended: `copied`, `mounted`, or `skipped` (the destination had it). */
    state: CopiedBlobState;
  };
  /** Blobs of the copy that are done (copied, mounted or skipped). */
  completedBlobs: number;
  /** Blobs the copy has to bring to the destination, each counted once. */
  totalBlobs: number;
  /** Bytes done over the whole copy: finished blobs in full, plus what moved of the ones in flight. */
  loadedBytes: number;
  /** Total size of {@link CopyProgress.totalBlobs}. */
  totalBytes: number;
}

/** Options of {@link copyArtifact}. */
export interface CopyArtifactOptions extends OperationOptions {
  /**
   * Tag to give the copy at the destination. Default: the reference, when it is a tag; a copy by
   * digest is then stored by digest only (a layout lists it untagged in `index.json`).
   */
  tag?: string;
  /**
   * Copy only the image built for this platform out of an index: the destination gets that
   * image's manifest (tagged), as `oras copy --platform` and `crane copy --platform` do. Exclusive
   * with `platforms`.
   */
  platform?: PlatformSelector;
  /**
   * Copy only the images of an index built for one of these platforms: the destination gets an
   * index listing just those (a new digest, unless every image matched and the index is copied as
   * it is). Attestation manifests of the kept images (buildx's `vnd.docker.reference.digest`)
   * are kept with them. Exclusive with `platform`.
   */
  platforms?: PlatformSelector[];
  /**
   * Copy the referrers (signatures, SBOMs, attestations: manifests whose `subject` is a copied
   * manifest), and theirs, too. Default false. Referrers of an index that `platforms` rewrote stay
   * behind: they refer to the original index.
   */
  includeReferrers?: boolean;
  /** Blob transfers at once (and manifest reads while the copy is planned). Default {@link DEFAULT_COPY_CONCURRENCY}. */
  concurrency?: number;
  /**
   * Mount blobs from the source repository when both sides are on the same registry (no bytes move).
   * Default true; a registry that declines a mount gets the blob copied instead.
   */
  mount?: boolean;
  /** Called as blobs progress; see {@link CopyProgress}. */
  onProgress?: (progress: CopyProgress) => void;
}

/** What a {@link copyArtifact} did. */
export interface CopyArtifactResult {
  /** Digest of what the destination now holds under the tag: the copied manifest or index (or the filtered index, or the platform's image). */
  digest: string;
  /** Its media type. */
  mediaType: string;
  /** Its size in bytes. */
  sizeInBytes: number;
  /** The tag it was given at the destination, if any. */
  tag?: string;
  /** Blobs, by digest, each listed once. */
  blobs: {
    /** Transferred from the source. */
    copied: string[];
    /** Linked from another repository of the same registry, without transfer. */
    mounted: string[];
    /** Already at the destination (a re-run of an interrupted copy skips what the first run finished). */
    skipped: string[];
  };
  /** Manifests and indexes, by digest. */
  manifests: {
    /** Written to the destination. */
    copied: string[];
    /** Already there. */
    skipped: string[];
  };
  /** Referrers brought along (with `includeReferrers`), by digest; also listed in `manifests`. */
  referrers: string[];
  /** Bytes of blobs transferred (not those mounted or skipped). */
  transferredBytes: number;
}
