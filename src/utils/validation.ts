// Input checks run before any request is sent, so a typo becomes a clear local error instead of
// an opaque 404 (or a request to the wrong path). Patterns follow the OCI distribution spec.

const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const KNOWN_DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha512: 128 };

function assertNonEmptyString(value: unknown, parameter: string): asserts value is string {
  if (typeof value !== "string") {
    throw new TypeError(`${parameter} must be a string, got ${value === null ? "null" : typeof value}`);
  }
  if (value.length === 0) {
    throw new RangeError(`${parameter} must not be empty`);
  }
}

export function assertRepositoryName(name: unknown, parameter = "repositoryName"): asserts name is string {
  assertNonEmptyString(name, parameter);
  if (name.length > 255 || !REPOSITORY_NAME.test(name)) {
    throw new RangeError(
      `${parameter} "${name}" is not a valid repository name: use lowercase letters, digits and ` +
        "separators (. _ __ -) in path components joined by /, e.g. library/hello-world",
    );
  }
}

export function isDigest(reference: string): boolean {
  return reference.includes(":");
}

export function assertDigest(digest: unknown, parameter = "digest"): asserts digest is string {
  assertNonEmptyString(digest, parameter);
  const algorithm = digest.slice(0, digest.indexOf(":"));
  const encoded = digest.slice(digest.indexOf(":") + 1);
  const expectedLength = KNOWN_DIGEST_LENGTHS[algorithm];
  if (
    !DIGEST.test(digest) ||
    (expectedLength !== undefined && (encoded.length !== expectedLength || !/^[a-f0-9]+$/.test(encoded)))
  ) {
    throw new RangeError(
      `${parameter} "${digest}" is not a valid digest: expected <algorithm>:<hex>, e.g. sha256: followed by 64 lowercase hex digits`,
    );
  }
}

export function assertTag(tag: unknown, parameter = "tag"): asserts tag is string {
  assertNonEmptyString(tag, parameter);
  if (!TAG.test(tag)) {
    throw new RangeError(
      `${parameter} "${tag}" is not a valid tag: up to 128 letters, digits, _ . - and not starting with . or -`,
    );
  }
}

/** A reference is a digest when it contains a colon, otherwise a tag. */
export function assertTagOrDigest(reference: unknown, parameter = "tagOrDigest"): asserts reference is string {
  assertNonEmptyString(reference, parameter);
  if (isDigest(reference)) assertDigest(reference, parameter);
  else assertTag(reference, parameter);
}
