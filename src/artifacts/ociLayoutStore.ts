import type { OperationOptions } from "@azure/core-client";
import { createReadStream } from "node:fs";
import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { MAX_MANIFEST_BYTES, parseJson, resolveManifestMediaType } from "../content/manifests.js";
import type { GetManifestResult, Manifest, OciDescriptor, OciImageIndex } from "../content/models.js";
import { ArtifactNotFoundError } from "../errors/artifactNotFoundError.js";
import { InvalidManifestError } from "../errors/invalidManifestError.js";
import { throwIfAborted } from "../errors/abort.js";
import { isDigest } from "../protocol/assertions.js";
import { KnownManifestMediaType } from "../protocol/mediaTypes.js";
import { referrerDescriptor } from "../protocol/referrers.js";
import type { BlobDownloadOptions } from "../transfer/blobDownload.js";
import { assertDigestMatches, computeDigest, digestAlgorithm } from "../transfer/digest.js";
import { downloadToFile } from "../transfer/downloadToFile.js";
import type { BlobOpener } from "../transfer/openedBlob.js";
import { VerifyingBlobStream } from "../transfer/verifyingBlobStream.js";
import { OciLayoutFiles, REF_NAME_ANNOTATION, writeFileAtomically } from "./ociLayoutFiles.js";
import { blobProgress, type ArtifactStore, type BlobPushOutcome, type SourceBlob, type TransferOptions } from "./store.js";

/** Read buffers of blob files: large enough that per-read overhead vanishes, small enough for the RSS. */
const READ_CHUNK_BYTES = 1024 * 1024;

async function fileSize(filePath: string): Promise<number | undefined> {
  try {
    const info = await stat(filePath);
    return info.isFile() ? info.size : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * The media type of a manifest `index.json` does not list (an index's child): its `mediaType`
 * field, else its shape; an image manifest when even that says nothing (the copy then uses the
 * media type the index lists it with).
 */
function mediaTypeOf(content: Buffer, manifest: unknown): string {
  try {
    return resolveManifestMediaType(content, manifest, undefined);
  } catch {
    return KnownManifestMediaType.OciImageManifest;
  }
}

/** The entry `tag` names in an index.json, or undefined; an error when it names two different manifests. */
function taggedEntry(index: OciImageIndex, tag: string, directory: string): OciDescriptor | undefined {
  const entries = index.manifests.filter((entry) => entry.annotations?.[REF_NAME_ANNOTATION] === tag);
  if (new Set(entries.map((entry) => entry.digest)).size > 1) {
    throw new InvalidManifestError(`${directory}/index.json`, "manifests", `names ${entries.length} different manifests ${tag}`);
  }
  return entries[0];
}

/**
 * An OCI image layout folder as a copy's source or target. Blobs are written through the
 * verified, atomic file download (temporary file, digest checked, renamed into place); manifests
 * through a temporary file and a rename; `index.json` one change at a time.
 */
export class OciLayoutStore implements ArtifactStore {
  readonly files: OciLayoutFiles;
  readonly location: string;

  constructor(directory: string) {
    this.files = new OciLayoutFiles(directory);
    this.location = directory;
  }

  /** Tags of the layout (the `org.opencontainers.image.ref.name` of its index entries), sorted. */
  async listTags(): Promise<string[]> {
    const tags = (await this.files.readIndex()).manifests.flatMap((entry) => entry.annotations?.[REF_NAME_ANNOTATION] ?? []);
    return [...new Set(tags)].sort();
  }

  async fetchManifest(reference: string, options: OperationOptions): Promise<GetManifestResult> {
    throwIfAborted(options.abortSignal);
    const index = await this.files.readIndex();
    const entry = isDigest(reference)
      ? index.manifests.find((candidate) => candidate.digest === reference)
      : taggedEntry(index, reference, this.location);
    const digest = isDigest(reference) ? reference : entry?.digest;
    const filePath = digest ? this.files.blobPath(digest) : undefined;
    const size = filePath ? await fileSize(filePath) : undefined;
    if (!digest || size === undefined) throw new ArtifactNotFoundError(reference, this.location, entry ? `its blob ${entry.digest} is missing` : undefined);
    if (size > MAX_MANIFEST_BYTES) throw new RangeError(`Manifest ${digest} in ${this.location} is larger than the 4 MiB manifest limit`);
    const content = await readFile(filePath!);
    assertDigestMatches(`Manifest ${digest} in ${this.location}`, digest, computeDigest(content, digestAlgorithm(digest)));
    const manifest = parseJson(content);
    if (typeof manifest !== "object" || manifest === null || Array.isArray(manifest)) throw new InvalidManifestError(digest, "", "is not a JSON object");
    const mediaType = entry?.mediaType ?? mediaTypeOf(content, manifest);
    return { digest, mediaType, content, manifest: manifest as Manifest };
  }

  blob(descriptor: OciDescriptor): SourceBlob {
    const filePath = this.files.blobPath(descriptor.digest);
    const location = this.location;
    const opener = (options: TransferOptions): BlobDownloadOptions => {
      const open: BlobOpener = async (offset) => {
        if ((await fileSize(filePath)) === undefined) throw new ArtifactNotFoundError(descriptor.digest, location, "no blob file");
        return { body: createReadStream(filePath, { start: offset, highWaterMark: READ_CHUNK_BYTES }), skip: 0, totalBytes: descriptor.size };
      };
      // A file that ends early is not a dropped connection: no resume; a local file does not stall.
      return {
        expectedDigest: descriptor.digest,
        open,
        maxResumeAttempts: 0,
        resumeDelayInMs: 0,
        idleTimeoutInMs: 0,
        abortSignal: options.abortSignal,
        onProgress: blobProgress(options),
      };
    };
    return {
      descriptor,
      filePath,
      async open(options) {
        const download = opener(options);
        return new VerifyingBlobStream(download, await download.open(0, options.abortSignal));
      },
      async saveTo(target, options) {
        const download = opener(options);
        await downloadToFile(target, await download.open(0, options.abortSignal), download);
      },
    };
  }

  /** Referrers among the manifests `index.json` lists (where this store, like oras', lists every referrer it is given). */
  async *listReferrers(digest: string, options: OperationOptions): AsyncIterable<OciDescriptor> {
    for (const entry of (await this.files.readIndex()).manifests) {
      const { manifest, mediaType } = await this.fetchManifest(entry.digest, options);
      const subject = (manifest as { subject?: { digest?: unknown } }).subject;
      if (subject?.digest === digest) yield referrerDescriptor(manifest as object, { mediaType, digest: entry.digest, size: entry.size });
    }
  }

  async hasBlob(descriptor: OciDescriptor): Promise<boolean> {
    return (await fileSize(this.files.blobPath(descriptor.digest))) === descriptor.size;
  }

  hasManifest(descriptor: OciDescriptor): Promise<boolean> {
    return this.hasBlob(descriptor);
  }

  async pushBlob(blob: SourceBlob, options: TransferOptions): Promise<BlobPushOutcome> {
    await this.files.ensureWritable();
    const target = this.files.blobPath(blob.descriptor.digest);
    await mkdir(path.dirname(target), { recursive: true });
    await blob.saveTo(target, options);
    return "copied";
  }

  /**
   * Writes a manifest's blob, then lists it in `index.json`: under `tag` (replacing what the tag
   * named), or untagged when it is a root copied by digest or a referrer (so that it can be found).
   */
  async pushManifest(descriptor: OciDescriptor, content: Buffer, options: OperationOptions & { tag?: string; root?: boolean }): Promise<void> {
    await this.files.ensureWritable();
    assertDigestMatches(`Manifest ${descriptor.digest}`, descriptor.digest, computeDigest(content, digestAlgorithm(descriptor.digest)));
    const target = this.files.blobPath(descriptor.digest);
    if ((await fileSize(target)) !== content.length) {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFileAtomically(target, content);
    }
    const isReferrer = (parseJson(content) as { subject?: unknown } | undefined)?.subject !== undefined;
    if (options.tag === undefined && !options.root && !isReferrer) return;
    const entry: OciDescriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: content.length };
    await this.files.updateIndex((index) => {
      const tag = options.tag;
      if (tag === undefined) {
        return index.manifests.some((listed) => listed.digest === entry.digest) ? undefined : { ...index, manifests: [...index.manifests, entry] };
      }
      const others = index.manifests.filter((listed) => listed.annotations?.[REF_NAME_ANNOTATION] !== tag && !(listed.digest === entry.digest && !listed.annotations?.[REF_NAME_ANNOTATION]));
      return { ...index, manifests: [...others, { ...entry, annotations: { [REF_NAME_ANNOTATION]: tag } }] };
    });
  }
}
