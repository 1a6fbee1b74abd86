import type { Mapper } from "@azure/core-client";
import { InvalidManifestError } from "../errors/invalidManifestError.js";
import { shapeProblem } from "../errors/responseShape.js";
import { isIndexMediaType } from "../protocol/mediaTypes.js";
import { MANIFEST_SHAPE } from "./manifestShape.js";
import type { OciDescriptor, OciImageIndex } from "./models.js";

// What the documents the library interprets (indexes, image manifests, referrers lists, a layout's
// index.json, a subject) reference, after checking them against the manifest shape: a field of the
// wrong type is an InvalidManifestError naming it, never a TypeError deep inside a copy or a
// platform selection, whether the document came from a registry or from a folder.

const fields = MANIFEST_SHAPE.type.modelProperties!;
/** A descriptor that must be there (the manifest shape's `subject` mapper, required). */
const REQUIRED_DESCRIPTOR: Mapper = { ...fields.subject!, required: true };
/** A list of descriptors that must be there. */
const REQUIRED_DESCRIPTORS: Mapper = { ...fields.manifests!, required: true };

/** The field a shape problem starts with (`manifests[2].size must be...`); empty for the document itself. */
const PROBLEM_FIELD = /^((?:[^\s"]|"(?:[^"\\]|\\.)*")+) /;

function check(value: unknown, mapper: Mapper, source: string, path: string): void {
  const problem = shapeProblem(value, mapper, {}, path);
  if (problem === undefined) return;
  const field = problem.startsWith("the body ") ? "" : (PROBLEM_FIELD.exec(problem)?.[1] ?? "");
  throw new InvalidManifestError(source, field, field ? problem.slice(field.length + 1) : problem);
}

/** A descriptor: `mediaType`, a well-formed `digest`, a non-negative integer `size`, and optional fields of the right types. */
export function checkDescriptor(value: unknown, source: string, field: string): OciDescriptor {
  check(value, REQUIRED_DESCRIPTOR, source, field);
  return value as OciDescriptor;
}

/** An index (or manifest list, or referrers list): `manifests` must be an array of descriptors. */
export function checkIndex(value: unknown, source: string): OciImageIndex {
  check(value, MANIFEST_SHAPE, source, "");
  check((value as { manifests?: unknown }).manifests, REQUIRED_DESCRIPTORS, source, "manifests");
  return value as OciImageIndex;
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
  check(value, MANIFEST_SHAPE, source, "");
  const manifest = value as Record<string, unknown>;
  const subject = manifest.subject as OciDescriptor | undefined;
  if (isIndexMediaType(mediaType) || (!("config" in manifest) && Array.isArray(manifest.manifests))) {
    return { manifests: checkIndex(manifest, source).manifests, blobs: [], subject };
  }
  if (!("config" in manifest) && Array.isArray(manifest.blobs)) return { manifests: [], blobs: manifest.blobs as OciDescriptor[], subject };
  const config = checkDescriptor(manifest.config, source, "config");
  check(manifest.layers, REQUIRED_DESCRIPTORS, source, "layers");
  return { manifests: [], blobs: [config, ...(manifest.layers as OciDescriptor[])], subject };
}
