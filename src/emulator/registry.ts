import { isSha256Digest, isTag } from "../protocol/grammar.js";
import { sha256Digest } from "./digest.js";
import {
  digestInvalid,
  disallowed,
  manifestBlobUnknown,
  manifestUnknown,
  nameUnknown,
  tagInvalid,
  tagUnknown,
} from "./errors.js";
import { isForeignLayer, parseManifest, type ParsedManifest } from "./manifestFormat.js";
import {
  defaultAttributes,
  now,
  type ChangeableAttributes,
  type ManifestProperties,
  type ManifestRecord,
  type RepositoryRecord,
  type TagRecord,
} from "./model.js";
import type { BlobStore } from "./storage/blobStore.js";

/** Config blobs larger than this are not parsed for architecture / os. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface DeletedRepository {
  manifestsDeleted: string[];
  tagsDeleted: string[];
}

/** What a manifest or tag reference resolves to. */
export interface Resolved {
  repository: RepositoryRecord;
  manifest: ManifestRecord;
  tag?: TagRecord;
}

/**
 * The registry's state and its rules (links, references, ACR's changeable attributes).
 * Every mutation ends with `changed()`, which persists metadata when storage is a folder.
 */
export class Registry {
  readonly repositories = new Map<string, RepositoryRecord>();

  constructor(
    readonly blobs: BlobStore,
    private readonly changed: () => void,
  ) {}

  repository(name: string): RepositoryRecord {
    const repository = this.repositories.get(name);
    if (!repository) throw nameUnknown(name);
    return repository;
  }

  ensureRepository(name: string): RepositoryRecord {
    let repository = this.repositories.get(name);
    if (!repository) {
      const time = now();
      repository = {
        name,
        createdTime: time,
        lastUpdateTime: time,
        attributes: defaultAttributes(),
        manifests: new Map(),
        tags: new Map(),
        blobs: new Set(),
      };
      this.repositories.set(name, repository);
    }
    return repository;
  }

  /** Resolves a tag or digest to its manifest. */
  resolve(name: string, reference: string): Resolved {
    const repository = this.repository(name);
    if (isSha256Digest(reference)) {
      const manifest = repository.manifests.get(reference);
      if (!manifest) throw manifestUnknown();
      return { repository, manifest };
    }
    const tag = repository.tags.get(reference);
    const manifest = tag && repository.manifests.get(tag.digest);
    if (!tag || !manifest) throw manifestUnknown();
    return { repository, manifest, tag };
  }

  tag(name: string, tagName: string): TagRecord {
    const tag = this.repository(name).tags.get(tagName);
    if (!tag) throw tagUnknown();
    return tag;
  }

  manifest(name: string, digest: string): ManifestRecord {
    const manifest = this.repository(name).manifests.get(digest);
    if (!manifest) throw manifestUnknown();
    return manifest;
  }

  tagsOf(repository: RepositoryRecord, digest: string): string[] {
    return [...repository.tags.values()].filter((tag) => tag.digest === digest).map((tag) => tag.name).sort();
  }

  hasBlob(name: string, digest: string): boolean {
    return this.repositories.get(name)?.blobs.has(digest) ?? false;
  }

  linkBlob(name: string, digest: string): void {
    const repository = this.ensureRepository(name);
    repository.blobs.add(digest);
    repository.lastUpdateTime = now();
    this.changed();
  }

  async unlinkBlob(name: string, digest: string): Promise<void> {
    const repository = this.repository(name);
    assertAllowed([repository], "deleteEnabled");
    repository.blobs.delete(digest);
    this.changed();
    await this.collect(digest);
  }

  /** Pushes a manifest under a tag or digest; returns its digest. */
  async putManifest(name: string, reference: string, content: Buffer, contentType: string | undefined): Promise<string> {
    const parsed = parseManifest(content, contentType);
    const digest = sha256Digest(content);
    if (isSha256Digest(reference)) {
      if (reference !== digest) throw digestInvalid(`manifest digest is ${digest}, not ${reference}`);
    } else if (!isTag(reference)) {
      throw tagInvalid(reference);
    }
    const repository = this.repositories.get(name);
    const existing = repository?.manifests.get(digest);
    const existingTag = isSha256Digest(reference) ? undefined : repository?.tags.get(reference);
    if (repository) assertAllowed([repository, existing, existingTag], "writeEnabled");
    this.assertReferencesExist(name, parsed);

    const target = this.ensureRepository(name);
    const time = now();
    if (existing) {
      existing.lastUpdateTime = time;
    } else {
      await this.blobs.write(digest, content);
      target.manifests.set(digest, {
        digest,
        mediaType: parsed.mediaType,
        content,
        ...(await this.describe(target, parsed)),
        createdTime: time,
        lastUpdateTime: time,
        attributes: defaultAttributes(),
      });
    }
    if (!isSha256Digest(reference)) {
      if (existingTag) {
        existingTag.digest = digest;
        existingTag.lastUpdateTime = time;
      } else {
        target.tags.set(reference, {
          name: reference,
          digest,
          createdTime: time,
          lastUpdateTime: time,
          signed: false,
          attributes: defaultAttributes(),
        });
      }
    }
    target.lastUpdateTime = time;
    this.changed();
    return digest;
  }

  /** Deletes a manifest and the tags that point at it. */
  async deleteManifest(name: string, digest: string): Promise<void> {
    const repository = this.repository(name);
    const manifest = repository.manifests.get(digest);
    if (!manifest) throw manifestUnknown();
    const tags = [...repository.tags.values()].filter((tag) => tag.digest === digest);
    assertAllowed([repository, manifest, ...tags], "deleteEnabled");
    for (const tag of tags) repository.tags.delete(tag.name);
    repository.manifests.delete(digest);
    repository.lastUpdateTime = now();
    this.changed();
    await this.collect(digest);
  }

  deleteTag(name: string, tagName: string): TagRecord {
    const repository = this.repository(name);
    const tag = repository.tags.get(tagName);
    if (!tag) throw tagUnknown();
    assertAllowed([repository, tag], "deleteEnabled");
    repository.tags.delete(tagName);
    repository.lastUpdateTime = now();
    this.changed();
    return tag;
  }

  async deleteRepository(name: string): Promise<DeletedRepository> {
    const repository = this.repository(name);
    assertAllowed([repository, ...repository.manifests.values(), ...repository.tags.values()], "deleteEnabled");
    this.repositories.delete(name);
    this.changed();
    for (const digest of [...repository.blobs, ...repository.manifests.keys()]) await this.collect(digest);
    return { manifestsDeleted: [...repository.manifests.keys()], tagsDeleted: [...repository.tags.keys()] };
  }

  /** Applies a PATCH of changeable attributes; always allowed, so a lock can be lifted. */
  updateAttributes(target: { attributes: ChangeableAttributes }, patch: Partial<ChangeableAttributes>): void {
    Object.assign(target.attributes, patch);
    this.changed();
  }

  /** Removes stored bytes that no repository links or uses as a manifest any more. */
  private async collect(digest: string): Promise<void> {
    for (const repository of this.repositories.values()) {
      if (repository.blobs.has(digest) || repository.manifests.has(digest)) return;
    }
    await this.blobs.delete(digest);
  }

  private assertReferencesExist(name: string, parsed: ParsedManifest): void {
    const repository = this.repositories.get(name);
    for (const blob of [...(parsed.config ? [parsed.config] : []), ...parsed.layers]) {
      if (!isForeignLayer(blob) && !repository?.blobs.has(blob.digest)) throw manifestBlobUnknown(blob.digest);
    }
    for (const child of parsed.manifests) {
      if (!repository?.manifests.has(child.digest)) throw manifestBlobUnknown(child.digest);
    }
  }

  /** The properties ACR computes for a manifest: size, platform, config type, index references. */
  async describe(
    repository: RepositoryRecord,
    parsed: ParsedManifest,
  ): Promise<ManifestProperties> {
    const referrerFields = {
      subject: parsed.subject?.digest,
      artifactType: parsed.artifactType ?? parsed.config?.mediaType,
      annotations: parsed.annotations,
    };
    if (!parsed.config) {
      const references = parsed.manifests.map((child) => ({
        digest: child.digest,
        architecture: child.platform?.architecture,
        os: child.platform?.os,
      }));
      const imageSize = parsed.manifests.reduce(
        (total, child) => total + (repository.manifests.get(child.digest)?.imageSize ?? child.size),
        0,
      );
      return { imageSize, references, ...referrerFields, artifactType: parsed.artifactType };
    }
    const imageSize = parsed.layers.reduce((total, layer) => total + layer.size, 0);
    return { imageSize, configMediaType: parsed.config.mediaType, ...(await this.platform(parsed.config.digest, parsed.config.size)), ...referrerFields };
  }

  private async platform(configDigest: string, size: number): Promise<{ architecture?: string; os?: string }> {
    if (size > MAX_CONFIG_BYTES || (await this.blobs.size(configDigest)) === undefined) return {};
    try {
      const config = JSON.parse((await this.blobs.readAll(configDigest)).toString("utf8")) as Record<string, unknown>;
      return {
        architecture: typeof config.architecture === "string" ? config.architecture : undefined,
        os: typeof config.os === "string" ? config.os : undefined,
      };
    } catch {
      return {}; // an artifact's config need not be JSON
    }
  }
}

/** ACR refuses an operation when the repository, manifest or tag involved has the flag off. */
export function assertAllowed(
  targets: Array<{ attributes: ChangeableAttributes } | undefined>,
  flag: "deleteEnabled" | "writeEnabled" | "readEnabled",
): void {
  if (targets.some((target) => target && !target.attributes[flag])) throw disallowed();
}

