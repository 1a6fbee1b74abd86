/**
 * Reads the `exp` claim (seconds since the epoch) of a JWT without verifying it: the client only
 * needs to know when to renew a token the registry issued. JWT segments are base64url encoded
 * (RFC 7515): `-`/`_` instead of `+`/`/` and no padding, which plain base64 decoding gets wrong.
 * Returns undefined for anything that is not a JWT with a numeric `exp`.
 */
export function readJwtExpiry(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    const exp = (payload as { exp?: unknown } | null)?.exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}
