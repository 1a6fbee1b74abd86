/** Progress of a blob transfer. */
export interface BlobTransferProgress {
  /** Bytes transferred so far. */
  loadedBytes: number;
  /** Size of the blob when known. */
  totalBytes?: number;
}

/** A blob the upload engine stored: its digest (computed while sending, confirmed by the registry) and size. */
export interface StoredBlob {
  digest: string;
  sizeInBytes: number;
}
