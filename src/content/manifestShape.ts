import { InvalidManifestError } from "../errors/invalidManifestError.js";
import { isDigest } from "../protocol/grammar.js";
import { isIndexMediaType } from "../protocol/mediaTypes.js";
import type { OciPlatform } from "../protocol/platform.js";
import type { OciDescriptor, OciImageIndex } from "./models.js";

// Shape checks of the documents the library interprets (indexes, image manifests, referrers
// lists): a field of the wrong type is an InvalidManifestError naming it, never a TypeError deep
// inside a copy or a platform selection.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isObject(value) && Object.values(value).every((item) => typeof item === "string");
}

function checkPlatform(value: unknown, source: string, field: string): OciPlatform {
  const fail = (what: string, problem: string): never => {
    throw new InvalidManifestError(source, `${field}${what}`, problem);
  };
  if (!isObject(value)) return fail("", "must be an object");
  if (typeof value.os !== "string") fail(".os", "must be a string");
  if (typeof value.architecture !== "string") fail(".architecture", "must be a string");
  for (const name of ["variant", "os.version"]) {
    if (value[name] !== undefined && typeof value[name] !== "string") fail(`["${name}"]`, "must be a string");
  }
  if (value["os.features"] !== undefined && !isStringArray(value["os.features"])) fail(`["os.features"]`, "must be an array of strings");
  return value as unknown as OciPlatform;
}

/** A descriptor: `mediaType`, a well-formed `digest`, a non-negative integer `size`, and optional fields of the right types. */
export function checkDescriptor(value: unknown, source: string, field: string): OciDescriptor {
  const fail = (what: string, problem: string): never => {
    throw new InvalidManifestError(source, `${field}${what}`, problem);
  };
  if (!isObject(value)) return fail("", "must be a descriptor object");
  if (typeof value.mediaType !== "string" || value.mediaType === "") fail(".mediaType", "must be a non-empty string");
  if (typeof value.digest !== "string" || !isDigest(value.digest)) fail(".digest", `must be a digest, got ${JSON.stringify(value.digest)}`);
  if (typeof value.size !== "number" || !Number.isSafeInteger(value.size) || value.size < 0) fail(".size", "must be a non-negative integer");
  if (value.urls !== undefined && !isStringArray(value.urls)) fail(".urls", "must be an array of strings");
  if (value.annotations !== undefined && !isStringMap(value.annotations)) fail(".annotations", "must map strings to strings");
  if (value.artifactType !== undefined && typeof value.artifactType !== "string") fail(".artifactType", "must be a string");
  if (value.platform !== undefined) checkPlatform(value.platform, source, `${field}.platform`);
  return value as unknown as OciDescriptor;
}

function checkDescriptors(value: unknown, source: string, field: string): OciDescriptor[] {
  if (!Array.isArray(value)) throw new InvalidManifestError(source, field, "must be an array");
  return value.map((item, index) => checkDescriptor(item, source, `${field}[${index}]`));
}

/** An index (or manifest list, or referrers list): `manifests` must be an array of descriptors. */
export function checkIndex(value: unknown, source: string): OciImageIndex {
  if (!isObject(value)) throw new InvalidManifestError(source, "", "must be a JSON object");
  checkDescriptors(value.manifests, source, "manifests");
  if (value.subject !== undefined) checkDescriptor(value.subject, source, "subject");
  return value as unknown as OciImageIndex;
}

/** What a manifest references, by kind: the blobs it is made of and the manifests it lists. */
export interface ManifestReferences {
  /** Indexes and manifest lists: the manifests they list. */
  manifests: OciDescriptor[];
  /** Image (and artifact) manifests: config, then layers (or an artifact manifest's `blobs`). */
  blobs: OciDescriptor[];
  /** The manifest this one refers to (OCI 1.1 `subject`), if any. */
  subject?: OciDescriptor;
}

/**
 * Checks a manifest's shape for its media type and returns what it references: an index's
 * `manifests`, an image manifest's `config` and `layers`, an OCI artifact manifest's `blobs`.
 */
export function manifestReferences(value: unknown, mediaType: string, source: string): ManifestReferences {
  if (!isObject(value)) throw new InvalidManifestError(source, "", "must be a JSON object");
  const subject = value.subject === undefined ? undefined : checkDescriptor(value.subject, source, "subject");
  if (isIndexMediaType(mediaType) || (!("config" in value) && Array.isArray(value.manifests))) {
    return { manifests: checkDescriptors(value.manifests, source, "manifests"), blobs: [], subject };
  }
  if (!("config" in value) && Array.isArray(value.blobs)) {
    return { manifests: [], blobs: checkDescriptors(value.blobs, source, "blobs"), subject };
  }
  const config = checkDescriptor(value.config, source, "config");
  return { manifests: [], blobs: [config, ...checkDescriptors(value.layers, source, "layers")], subject };
}
