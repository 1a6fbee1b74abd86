// Input checks run before any request is sent, so a typo becomes a clear local error instead of
// an opaque 404 (or a request to the wrong path). The grammar is the OCI distribution spec's.
import { isDigest as matchesDigestGrammar, isDigestReference, isRepositoryName, isTag } from "./grammar.js";

export { isDigestReference as isDigest };

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
  if (!isRepositoryName(name)) {
    throw new RangeError(
      `${parameter} "${name}" is not a valid repository name: use lowercase letters, digits and ` +
        "separators (. _ __ -) in path components joined by /, e.g. library/hello-world",
    );
  }
}

export function assertDigest(digest: unknown, parameter = "digest"): asserts digest is string {
  assertNonEmptyString(digest, parameter);
  if (!matchesDigestGrammar(digest)) {
    throw new RangeError(
      `${parameter} "${digest}" is not a valid digest: expected <algorithm>:<hex>, e.g. sha256: followed by 64 lowercase hex digits`,
    );
  }
}

export function assertTag(tag: unknown, parameter = "tag"): asserts tag is string {
  assertNonEmptyString(tag, parameter);
  if (!isTag(tag)) {
    throw new RangeError(
      `${parameter} "${tag}" is not a valid tag: up to 128 letters, digits, _ . - and not starting with . or -`,
    );
  }
}

/** A reference is a digest when it contains a colon, otherwise a tag. */
export function assertTagOrDigest(reference: unknown, parameter = "tagOrDigest"): asserts reference is string {
  assertNonEmptyString(reference, parameter);
  if (isDigestReference(reference)) assertDigest(reference, parameter);
  else assertTag(reference, parameter);
}
