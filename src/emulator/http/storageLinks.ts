import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { digestHex } from "../digest.js";

/** How long a download link stays valid, like ACR's 20-minute SAS URLs. */
const LINK_LIFETIME_MS = 20 * 60 * 1000;

/**
 * Signed, expiring download URLs, the stand-in for the blob-storage SAS URLs ACR redirects
 * blob GETs to: they carry their own authorization, so clients must not send a token there.
 */
export class StorageLinks {
  private readonly secret = randomBytes(32);

  /** Path and query of a fresh link to a blob. */
  create(digest: string): string {
    const hex = digestHex(digest);
    const expiry = new Date(Date.now() + LINK_LIFETIME_MS).toISOString();
    const query = new URLSearchParams({ se: expiry, sig: this.signature(digest, expiry), sp: "r", sr: "b" });
    return `/_storage/docker/registry/v2/blobs/sha256/${hex.slice(0, 2)}/${hex}/data?${query.toString()}`;
  }

  isValid(digest: string, query: URLSearchParams): boolean {
    const expiry = query.get("se") ?? "";
    const given = Buffer.from(query.get("sig") ?? "");
    const expected = Buffer.from(this.signature(digest, expiry));
    return given.length === expected.length && timingSafeEqual(given, expected) && Date.parse(expiry) > Date.now();
  }

  private signature(digest: string, expiry: string): string {
    return createHmac("sha256", this.secret).update(`${digest}\n${expiry}`).digest("base64url");
  }
}
