import { createHash, type Hash } from "node:crypto";
import { DigestMismatchError } from "../errors/digestMismatchError.js";

/** Digest algorithms the client can verify (the OCI spec registers sha256 and sha512). */
const SUPPORTED_ALGORITHMS = new Set(["sha256", "sha384", "sha512"]);

/** The algorithm of a digest such as `sha256:abc...`; RangeError when this client cannot compute it. */
export function digestAlgorithm(digest: string): string {
  const algorithm = digest.slice(0, digest.indexOf(":"));
  if (!SUPPORTED_ALGORITHMS.has(algorithm)) {
    throw new RangeError(`Cannot verify digest "${digest}": algorithm "${algorithm}" is not supported (use sha256 or sha512)`);
  }
  return algorithm;
}

/** Whether the client can compute digests of this one's algorithm. */
export function isVerifiable(digest: string): boolean {
  return SUPPORTED_ALGORITHMS.has(digest.slice(0, digest.indexOf(":")));
}

/** `<algorithm>:<hex>` of some bytes. */
export function computeDigest(bytes: Uint8Array, algorithm = "sha256"): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/** Incremental hash with the algorithm of the digest it will be compared with (sha256 by default). */
export class Digester {
  readonly algorithm: string;
  private readonly hash: Hash;

  constructor(expectedDigest?: string) {
    this.algorithm = expectedDigest ? digestAlgorithm(expectedDigest) : "sha256";
    this.hash = createHash(this.algorithm);
  }

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }

  /** The final digest; the digester cannot be used afterwards. */
  digest(): string {
    return `${this.algorithm}:${this.hash.digest("hex")}`;
  }
}

/** Throws DigestMismatchError when `actual` differs from `expected` (digests compare case-insensitively in hex). */
export function assertDigestMatches(what: string, expected: string, actual: string): void {
  if (expected.toLowerCase() !== actual.toLowerCase()) {
    throw new DigestMismatchError(`${what}: expected digest ${expected} but got ${actual}`, expected, actual);
  }
}

export function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk);
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Hashes a blob's bytes in blob order, each exactly once, however often a part of it is sent again:
 * a resumed upload re-sends bytes the hash already covers, and only bytes past them are hashed.
 */
/** What an upload knows of its blob's digest as the bytes go out, in blob order. */
export interface UploadDigest {
  /** Bytes taken so far: the blob's first `hashedBytes` bytes. */
  readonly hashedBytes: number;
  update(position: number, bytes: Uint8Array): void;
  /** The digest of the first `size` bytes, once all are taken. */
  digestOf(size: number): string;
}

/** Counts the bytes of a blob whose digest is known and checked by the registry: nothing to hash. */
export class KnownBlobDigest implements UploadDigest {
  hashedBytes = 0;

  constructor(private readonly digest: string) {}

  update(position: number, bytes: Uint8Array): void {
    this.hashedBytes = Math.max(this.hashedBytes, position + bytes.length);
  }

  digestOf(size: number): string {
    if (this.hashedBytes !== size) throw new Error(`The upload took ${this.hashedBytes} of its ${size} bytes`);
    return this.digest;
  }
}

export class BlobHasher implements UploadDigest {
  /** Bytes hashed: the blob's first `hashedBytes` bytes. */
  hashedBytes = 0;
  private readonly digester = new Digester();
  private result?: string;

  /** Takes the bytes at `position` in the blob; a gap after the bytes hashed so far is a bug of the caller. */
  update(position: number, bytes: Uint8Array): void {
    const end = position + bytes.length;
    if (end <= this.hashedBytes) return;
    if (position > this.hashedBytes) throw new Error(`Cannot hash bytes at ${position}: only ${this.hashedBytes} bytes were hashed before`);
    this.digester.update(bytes.subarray(this.hashedBytes - position));
    this.hashedBytes = end;
  }

  /** The digest of the first `size` bytes, once they are all hashed (computed once). */
  digestOf(size: number): string {
    if (this.hashedBytes !== size) throw new Error(`The upload hashed ${this.hashedBytes} of its ${size} bytes`);
    this.result ??= this.digester.digest();
    return this.result;
  }
}
