/**
 * Content did not hash to the digest it should have: a blob or manifest was corrupted or tampered
 * with in transit, or the registry computed a different digest than the client.
 */
export class DigestMismatchError extends Error {
  /** The digest the content was expected to have (requested, announced by the registry, or computed locally). */
  readonly expectedDigest?: string;
  /** The digest of the bytes actually received or sent (or the one the registry reported). */
  readonly actualDigest?: string;

  constructor(message: string, expectedDigest?: string, actualDigest?: string) {
    super(message);
    this.name = "DigestMismatchError";
    this.expectedDigest = expectedDigest;
    this.actualDigest = actualDigest;
  }
}
