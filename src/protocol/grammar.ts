// The OCI distribution spec's grammar for repository names, tags and digests. The client refuses
// bad input with it before sending anything; the emulator answers NAME_INVALID, TAG_INVALID or
// DIGEST_INVALID with it.

const NAME_COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
const REPOSITORY_NAME = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/**
 * A digest of the spec's grammar; the registered algorithms, sha256 and sha512, with exactly their
 * length of lowercase hex (their canonical form).
 */
export const DIGEST_PATTERN = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}|(?!sha256:|sha512:)[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+)$/;
/** Algorithms whose encoded part is hex, so that its case carries no meaning. */
const HEX_ALGORITHMS = /^(?:sha256|sha384|sha512):/i;
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
  return DIGEST_PATTERN.test(value);
}

/**
 * The canonical form of a digest a registry sent: hex algorithms in lowercase (a registry that
 * announces `sha256:ABC...` means `sha256:abc...`). Other encodings are case-sensitive and stay as
 * they are. Digests the library returns are canonical, so the library accepts them back.
 */
export function canonicalDigest(value: string): string {
  return HEX_ALGORITHMS.test(value) ? value.toLowerCase() : value;
}

/** A sha256 digest: the only algorithm ACR (and the emulator) accept for content they store. */
export function isSha256Digest(value: string): boolean {
  return SHA256_DIGEST.test(value);
}

/** A reference is a digest when it contains a colon (tags cannot), otherwise a tag. */
export function isDigestReference(reference: string): boolean {
  return reference.includes(":");
}
