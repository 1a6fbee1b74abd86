import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { Readable } from "node:stream";
import { toBuffer } from "../transfer/digest.js";
import { DOCKER_IMAGE_CONFIG_MEDIA_TYPE, KnownManifestMediaType } from "../protocol/mediaTypes.js";
import { clientError, KnownContainerRegistryErrorCode } from "../errors/errorCodes.js";
import { shapeProblem } from "../errors/responseShape.js";
import { MANIFEST_SHAPE } from "./manifestShape.js";
import type { Manifest } from "./models.js";

/** Manifests above this size are refused, as by other OCI clients and registries (oras, distribution). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** What `setManifest` accepts: a manifest object (serialised once, compactly), its bytes, or a stream of them. */
export type ManifestContent = Manifest | Record<string, unknown> | Uint8Array | NodeJS.ReadableStream;

function tooLarge(what: string): string {
  return `${what} is larger than the ${MAX_MANIFEST_BYTES}-byte (4 MiB) manifest limit`;
}

/**
 * Reads a stream to its end, refusing (and destroying) it as soon as it passes `limit` bytes, so
 * an oversized or endless body is never buffered.
 */
export async function readCapped(
  stream: NodeJS.ReadableStream,
  limit: number,
  onTooLarge: () => Error,
  abortSignal?: AbortSignalLike,
): Promise<Buffer> {
  const readable = stream instanceof Readable ? stream : new Readable().wrap(stream);
  const pieces: Buffer[] = [];
  let length = 0;
  const onAbort = (): void => {
    readable.destroy(new AbortError("The operation was aborted."));
  };
  abortSignal?.addEventListener("abort", onAbort);
  try {
    for await (const chunk of readable) {
      const piece = toBuffer(chunk as Uint8Array | string);
      length += piece.length;
      if (length > limit) {
        readable.destroy();
        throw onTooLarge();
      }
      pieces.push(piece);
    }
  } finally {
    abortSignal?.removeEventListener("abort", onAbort);
  }
  return Buffer.concat(pieces, length);
}

/** Reads a manifest response body, refusing it by its `Content-Length` before reading when possible. */
export async function readManifestBody(response: PipelineResponse, abortSignal?: AbortSignalLike): Promise<Buffer> {
  const error = (): Error =>
    clientError(KnownContainerRegistryErrorCode.ManifestTooLarge, tooLarge("The manifest returned by the registry"), { response });
  const declared = Number(response.headers.get("content-length"));
  const body = response.readableStreamBody;
  if (declared > MAX_MANIFEST_BYTES) {
    (body as Partial<Readable> | undefined)?.destroy?.();
    throw error();
  }
  if (!body) return Buffer.from(response.bodyAsText ?? "");
  return readCapped(body, MAX_MANIFEST_BYTES, error, abortSignal);
}

function isNodeStream(value: object): value is NodeJS.ReadableStream {
  return typeof (value as NodeJS.ReadableStream).pipe === "function";
}

/** The bytes of a manifest to push: an object is serialised once; bytes are kept exactly. */
export async function manifestBytes(manifest: ManifestContent, abortSignal?: AbortSignalLike): Promise<{ bytes: Buffer; parsed?: unknown }> {
  if (manifest instanceof Uint8Array) {
    if (manifest.byteLength > MAX_MANIFEST_BYTES) throw new RangeError(tooLarge("The manifest"));
    return { bytes: toBuffer(manifest) };
  }
  if (typeof manifest !== "object" || manifest === null) {
    throw new TypeError("manifest must be a manifest object, a Buffer or Uint8Array, or a readable stream");
  }
  if (isNodeStream(manifest)) {
    return { bytes: await readCapped(manifest, MAX_MANIFEST_BYTES, () => new RangeError(tooLarge("The manifest stream")), abortSignal) };
  }
  const bytes = Buffer.from(JSON.stringify(manifest));
  if (bytes.length > MAX_MANIFEST_BYTES) throw new RangeError(tooLarge("The manifest"));
  return { bytes, parsed: manifest };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * The media type to push a manifest with: the caller's, else the manifest's `mediaType` field,
 * else OCI inferred from its shape. A Docker manifest must say what it is (the Docker format
 * requires the field): it is refused rather than pushed as OCI.
 */
export function resolveManifestMediaType(bytes: Buffer, parsed: unknown, requested: string | undefined): string {
  const json = parsed ?? parseJson(bytes);
  const declared = field(json, "mediaType");
  if (requested !== undefined) {
    if (typeof declared === "string" && declared !== requested) {
      throw new RangeError(`mediaType "${requested}" contradicts the manifest's own mediaType "${declared}"`);
    }
    return requested;
  }
  if (typeof declared === "string" && declared) return declared;
  if (json === undefined) {
    throw new RangeError("The manifest is not JSON: pass its media type in the mediaType option");
  }
  if (Array.isArray(field(json, "manifests"))) return KnownManifestMediaType.OciImageIndex;
  const configType = field(field(json, "config"), "mediaType");
  if (field(json, "schemaVersion") === 2 && Array.isArray(field(json, "layers")) && configType !== DOCKER_IMAGE_CONFIG_MEDIA_TYPE) {
    return KnownManifestMediaType.OciImageManifest;
  }
  throw new RangeError(
    "Cannot tell the manifest's media type: pass it in the mediaType option " +
      `(e.g. "${KnownManifestMediaType.DockerManifest}" for a Docker manifest)`,
  );
}

/**
 * Parses fetched manifest bytes. A body that is not a JSON object, or whose fields do not have
 * their format's shape (`layers` not an array of descriptors...), is an `InvalidManifest` RestError
 * naming the field.
 */
export function parseManifest(bytes: Buffer, response: PipelineResponse): Manifest {
  const json = parseJson(bytes);
  const problem = json === undefined ? "it is not JSON" : shapeProblem(json, MANIFEST_SHAPE);
  if (problem !== undefined) {
    throw clientError(KnownContainerRegistryErrorCode.InvalidManifest, `The registry returned a manifest that is not valid: ${problem}`, { response });
  }
  return json as Manifest;
}
