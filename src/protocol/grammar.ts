// The OCI distribution spec's grammar for repository names, tags and digests. The client refuses
// bad input with it before sending anything; the emulator answers NAME_INVALID, TAG_INVALID or
// DIGEST_INVALID with it.

const NAME_COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
const REPOSITORY_NAME = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
/** Lengths of the hex part for the registered algorithms, which also must be lowercase hex. */
const REGISTERED_DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha512: 128 };
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Repository names are at most 255 characters (distribution's limit, which ACR shares). */
export const MAX_REPOSITORY_NAME_LENGTH = 255;

export function isRepositoryName(name: string): boolean {
  return name.length <= MAX_REPOSITORY_NAME_LENGTH && REPOSITORY_NAME.test(name);
}

export function isTag(reference: string): boolean {
  return TAG.test(reference);
}

/** A digest of the spec's grammar; for sha256 and sha512, exactly their length of lowercase hex. */
export function isDigest(value: string): boolean {
  if (!DIGEST.test(value)) return false;
  const separator = value.indexOf(":");
  const expectedLength = REGISTERED_DIGEST_LENGTHS[value.slice(0, separator)];
  const encoded = value.slice(separator + 1);
  return expectedLength === undefined || (encoded.length === expectedLength && /^[a-f0-9]+$/.test(encoded));
}

/** A sha256 digest: the only algorithm ACR (and the emulator) accept for content they store. */
export function isSha256Digest(value: string): boolean {
  return SHA256_DIGEST.test(value);
}

/** A reference is a digest when it contains a colon (tags cannot), otherwise a tag. */
export function isDigestReference(reference: string): boolean {
  return reference.includes(":");
}
