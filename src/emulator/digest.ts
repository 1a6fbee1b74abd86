import { createHash } from "node:crypto";
import { isSha256Digest } from "../protocol/grammar.js";
import { digestInvalid } from "./errors.js";

/** Uploads hash while streaming, so one algorithm is fixed up front: sha256, the only one ACR accepts. */
export function assertDigest(value: string | null | undefined): string {
  if (!value || !isSha256Digest(value)) throw digestInvalid(`"${value ?? ""}" is not a sha256 digest`);
  return value;
}

export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** The hex part of a digest, used as the content address on disk. */
export function digestHex(digest: string): string {
  return digest.slice("sha256:".length);
}
