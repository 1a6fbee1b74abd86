import { sha256Digest } from "./digest.js";
import { OCI_MANIFEST, parseManifest } from "./manifestFormat.js";
import {
  defaultAttributes,
  MANIFEST_PROPERTY_NAMES,
  now,
  type ChangeableAttributes,
  type ManifestProperties,
} from "./model.js";
import type { Registry } from "./registry.js";

/** A blob: with `content`, or only `digest` when the bytes are already in the emulator's storage. */
export interface BlobState {
  /** `sha256:<hex>`; required without `content`, and checked against it when both are given. */
  digest?: string;
  /** Size in bytes, as `snapshot()` reports it; `seed()` ignores it. */
  size?: number;
  /** Bytes; a string is taken as UTF-8 text. `snapshot()` includes them only with `includeBlobContent`. */
  content?: Uint8Array | string;
}

/**
 * A manifest: with `content` (exact bytes; properties are derived unless given), or with only
 * `digest` and properties to import a manifest as metadata only (`/acr/v1` serves it, `/v2` does not).
 */
export interface ManifestState extends Partial<ManifestProperties> {
  /** `sha256:<hex>`; required without `content`, and checked against it when both are given. */
  digest?: string;
  /** Exact manifest bytes (a string is taken as UTF-8); absent in `snapshot()` for a manifest imported as metadata only. */
  content?: Uint8Array | string;
  /** Manifest media type; default: from `content` (its `mediaType`, or its shape), else the OCI image manifest type. */
  mediaType?: string;
  /** When it was pushed, as an ISO 8601 string; default the time of `seed()`. */
  createdTime?: string;
  /** When it last changed, as an ISO 8601 string; default `createdTime`. */
  lastUpdateTime?: string;
  /** Lock flags; flags not given are true. */
  changeableAttributes?: Partial<ChangeableAttributes>;
}

/** A tag of a repository. */
export interface TagState {
  /** Tag name, e.g. `latest`. */
  name: string;
  /** Digest of the manifest it points at, which must be in the repository (seeded earlier or in the same state). */
  digest: string;
  /** When it was created, as an ISO 8601 string; default the time of `seed()`. */
  createdTime?: string;
  /** When it last changed, as an ISO 8601 string; default `createdTime`. */
  lastUpdateTime?: string;
  /** Whether ACR reports the tag as signed (reported only); default false. */
  signed?: boolean;
  /** Lock flags; flags not given are true. */
  changeableAttributes?: Partial<ChangeableAttributes>;
}

/** A repository with its blobs, manifests and tags (seeded in that order). */
export interface RepositoryState {
  /** Repository name, e.g. `library/hello-world`. */
  name: string;
  /** When it was created, as an ISO 8601 string; default: unchanged, or the time of `seed()` for a new repository. */
  createdTime?: string;
  /** When it last changed, as an ISO 8601 string; default: unchanged, or the time of `seed()` for a new repository. */
  lastUpdateTime?: string;
  /** Lock flags; `seed()` replaces the repository's flags, and flags not given are true. */
  changeableAttributes?: Partial<ChangeableAttributes>;
  /** Blobs (layers, configs) linked into the repository; each needs `content` or an already stored `digest`. */
  blobs?: BlobState[];
  /** Manifests; list an index after its children so that its `imageSize` sums theirs. */
  manifests?: ManifestState[];
  /** Tags, each pointing at a manifest of this repository. */
  tags?: TagState[];
}

/** The whole registry, as `seed()` takes it and `snapshot()` returns it. */
export interface EmulatorState {
  /** Every repository (`seed()` leaves repositories not listed untouched). */
  repositories: RepositoryState[];
}

export interface ExportOptions {
  /** Include manifest bytes (otherwise only digests: the bytes stay in storage). */
  manifestContent: boolean;
  /** Include blob bytes (may be large). */
  blobContent: boolean;
}

const bytes = (content: Uint8Array | string): Buffer =>
  typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);

function attributes(partial: Partial<ChangeableAttributes> | undefined): ChangeableAttributes {
  return { ...defaultAttributes(), ...partial };
}

function checkedDigest(given: string | undefined, content: Buffer, what: string): string {
  const digest = sha256Digest(content);
  if (given !== undefined && given !== digest) throw new RangeError(`${what}: content has digest ${digest}, not ${given}`);
  return digest;
}

/** Loads state into the registry, adding to (or replacing entries of) what is there. Trusted input: no reference checks. */
export async function importState(registry: Registry, state: EmulatorState): Promise<void> {
  for (const repo of state.repositories) {
    const repository = registry.ensureRepository(repo.name);
    repository.createdTime = repo.createdTime ?? repository.createdTime;
    repository.lastUpdateTime = repo.lastUpdateTime ?? repository.lastUpdateTime;
    repository.attributes = attributes(repo.changeableAttributes);

    for (const blob of repo.blobs ?? []) {
      let digest = blob.digest;
      if (blob.content !== undefined) {
        const content = bytes(blob.content);
        digest = checkedDigest(blob.digest, content, `blob of ${repo.name}`);
        await registry.blobs.write(digest, content);
      } else if (digest === undefined || (await registry.blobs.size(digest)) === undefined) {
        throw new RangeError(`blob ${digest ?? "(no digest)"} of ${repo.name} has no content and is not stored`);
      }
      repository.blobs.add(digest);
    }

    for (const entry of repo.manifests ?? []) {
      let content = entry.content === undefined ? undefined : bytes(entry.content);
      if (content === undefined && entry.digest && (await registry.blobs.size(entry.digest)) !== undefined) {
        content = await registry.blobs.readAll(entry.digest);
      }
      let digest = entry.digest;
      let derived = {};
      let mediaType = entry.mediaType ?? OCI_MANIFEST;
      if (content !== undefined) {
        digest = checkedDigest(entry.digest, content, `manifest of ${repo.name}`);
        await registry.blobs.write(digest, content);
        const parsed = parseManifest(content, entry.mediaType);
        mediaType = parsed.mediaType;
        derived = await registry.describe(repository, parsed);
      } else if (digest === undefined) {
        throw new RangeError(`a manifest of ${repo.name} has neither content nor digest`);
      }
      const time = now();
      const given = Object.fromEntries(
        MANIFEST_PROPERTY_NAMES.filter((name) => entry[name] !== undefined).map((name) => [name, entry[name]]),
      );
      repository.manifests.set(digest, {
        imageSize: 0,
        ...derived,
        ...given,
        digest,
        mediaType,
        content,
        createdTime: entry.createdTime ?? time,
        lastUpdateTime: entry.lastUpdateTime ?? entry.createdTime ?? time,
        attributes: attributes(entry.changeableAttributes),
      });
    }

    for (const tag of repo.tags ?? []) {
      if (!repository.manifests.has(tag.digest)) {
        throw new RangeError(`tag ${tag.name} of ${repo.name} points at unknown manifest ${tag.digest}`);
      }
      const time = now();
      repository.tags.set(tag.name, {
        name: tag.name,
        digest: tag.digest,
        createdTime: tag.createdTime ?? time,
        lastUpdateTime: tag.lastUpdateTime ?? tag.createdTime ?? time,
        signed: tag.signed ?? false,
        attributes: attributes(tag.changeableAttributes),
      });
    }
  }
}

/** The registry's state in the `seed()` format. */
export async function exportState(registry: Registry, options: ExportOptions): Promise<EmulatorState> {
  const repositories: RepositoryState[] = [];
  for (const repository of registry.repositories.values()) {
    const blobs: BlobState[] = [];
    for (const digest of repository.blobs) {
      const size = await registry.blobs.size(digest);
      blobs.push({ digest, size, ...(options.blobContent ? { content: await registry.blobs.readAll(digest) } : {}) });
    }
    repositories.push({
      name: repository.name,
      createdTime: repository.createdTime,
      lastUpdateTime: repository.lastUpdateTime,
      changeableAttributes: { ...repository.attributes },
      blobs,
      manifests: [...repository.manifests.values()].map(({ attributes: manifestAttributes, content, ...rest }) => ({
        ...rest,
        ...(options.manifestContent && content ? { content } : {}),
        changeableAttributes: { ...manifestAttributes },
      })),
      tags: [...repository.tags.values()].map(({ attributes: tagAttributes, ...rest }) => ({
        ...rest,
        changeableAttributes: { ...tagAttributes },
      })),
    });
  }
  return { repositories };
}
