import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { ScopeEntry } from "../../protocol/scopes.js";

export interface TokenClaims {
  jti: string;
  iss: string;
  aud: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  /** Present on refresh tokens only, as on ACR's: an access token is never accepted as one. */
  grant_type?: "refresh_token";
  tenant?: string;
  /** The token's `access` claim, as in the distribution token spec. */
  access?: ScopeEntry[];
}

const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

/** HS256 JWTs signed with a secret that lives as long as the emulator instance. */
export class TokenSigner {
  private readonly secret = randomBytes(32);

  constructor(readonly issuer: string) {}

  sign(fields: Omit<TokenClaims, "jti" | "iss" | "iat" | "nbf" | "exp">, lifetimeSeconds: number): string {
    const iat = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = { jti: randomUUID(), iss: this.issuer, iat, nbf: iat, exp: iat + lifetimeSeconds, ...fields };
    const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return `${HEADER}.${payload}.${this.signature(`${HEADER}.${payload}`)}`;
  }

  /** The claims of a token this instance signed for `audience` that has not expired, else undefined. */
  verify(token: string, audience: string): TokenClaims | undefined {
    const [header, payload, signature] = token.split(".");
    if (header !== HEADER || !payload || !signature) return undefined;
    const expected = Buffer.from(this.signature(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
    } catch {
      return undefined;
    }
    const nowSeconds = Date.now() / 1000;
    if (claims.iss !== this.issuer || claims.aud !== audience || !(claims.exp > nowSeconds)) return undefined;
    return claims;
  }

  private signature(data: string): string {
    return createHmac("sha256", this.secret).update(data).digest("base64url");
  }
}
