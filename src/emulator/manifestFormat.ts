import { isSha256Digest } from "../protocol/grammar.js";
import { manifestInvalid } from "./errors.js";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

const IMAGE_TYPES = new Set([OCI_MANIFEST, DOCKER_MANIFEST]);
const INDEX_TYPES = new Set([OCI_INDEX, DOCKER_MANIFEST_LIST]);

/** Largest manifest accepted, as ACR and oras-go cap it. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { architecture?: string; os?: string };
  urls?: string[];
}

export interface ParsedManifest {
  mediaType: string;
  config?: Descriptor;
  /** Image layers; for an index, empty. */
  layers: Descriptor[];
  /** Children of an index / manifest list. */
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export function isIndexType(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

function descriptor(value: unknown, where: string): Descriptor {
  const candidate = value as Partial<Descriptor> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.mediaType !== "string" ||
    typeof candidate.digest !== "string" ||
    !isSha256Digest(candidate.digest) ||
    typeof candidate.size !== "number" ||
    !Number.isSafeInteger(candidate.size) ||
    candidate.size < 0
  ) {
    throw manifestInvalid(`${where} is not a valid descriptor (mediaType, sha256 digest, size)`);
  }
  return candidate as Descriptor;
}

function descriptors(value: unknown, where: string): Descriptor[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw manifestInvalid(`${where} must be an array`);
  return value.map((item, index) => descriptor(item, `${where}[${index}]`));
}

/** The media type a request names: `Content-Type` without parameters, or undefined when generic. */
function declaredType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  return type && type !== "application/json" && type !== "application/octet-stream" ? type : undefined;
}

/**
 * Validates a manifest the way distribution does: JSON, a supported media type taken from
 * `Content-Type` or the body's `mediaType` (which must agree), and well-formed descriptors.
 */
export function parseManifest(content: Buffer, contentType: string | undefined): ParsedManifest {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(content.toString("utf8")) as Record<string, unknown>;
  } catch {
    throw manifestInvalid("manifest is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw manifestInvalid("manifest must be a JSON object");
  }
  if (body.schemaVersion !== 2) throw manifestInvalid("schemaVersion must be 2");
  const bodyType = typeof body.mediaType === "string" ? body.mediaType : undefined;
  const headerType = declaredType(contentType);
  if (headerType && bodyType && headerType !== bodyType) {
    throw manifestInvalid(`Content-Type ${headerType} does not match the manifest's mediaType ${bodyType}`);
  }
  // OCI lets `mediaType` be omitted; the shape then tells an index from an image manifest.
  const mediaType = headerType ?? bodyType ?? (Array.isArray(body.manifests) ? OCI_INDEX : OCI_MANIFEST);
  if (!IMAGE_TYPES.has(mediaType) && !INDEX_TYPES.has(mediaType)) {
    throw manifestInvalid(`unsupported manifest media type ${mediaType}`);
  }
  const parsed: ParsedManifest = {
    mediaType,
    layers: [],
    manifests: [],
    artifactType: typeof body.artifactType === "string" ? body.artifactType : undefined,
    annotations: body.annotations as Record<string, string> | undefined,
    subject: body.subject === undefined ? undefined : descriptor(body.subject, "subject"),
  };
  if (INDEX_TYPES.has(mediaType)) {
    parsed.manifests = descriptors(body.manifests, "manifests");
  } else {
    parsed.config = descriptor(body.config, "config");
    parsed.layers = descriptors(body.layers, "layers");
  }
  return parsed;
}

/** Layers a registry never stores (Windows foreign layers, OCI non-distributable ones). */
export function isForeignLayer(layer: Descriptor): boolean {
  return (
    (layer.urls?.length ?? 0) > 0 ||
    layer.mediaType.includes("foreign") ||
    layer.mediaType.includes("nondistributable")
  );
}

/**
 * Whether a stored manifest may be served for the request's `Accept` values. Like distribution,
 * OCI types need to be listed (or a wildcard / no Accept); Docker types are always served.
 */
export function acceptable(mediaType: string, accept: string[]): boolean {
  if (mediaType !== OCI_MANIFEST && mediaType !== OCI_INDEX) return true;
  const types = accept.flatMap((value) => value.split(",")).map((item) => item.split(";")[0]!.trim().toLowerCase());
  const listed = types.filter((type) => type.length > 0);
  return listed.length === 0 || listed.includes(mediaType) || listed.includes("*/*");
}
