// The distribution token format: scopes (`repository:NAME:pull,push`) and the ES256 JWTs a token server
// signs and the registry verifies (claims iss, aud, sub, exp, nbf, iat, jti, access).
import { createHash, createPublicKey, randomBytes, sign, verify, X509Certificate, type KeyObject } from "node:crypto";
import { derBase64Of, privateKeyOf, type Certificate } from "./certificates.js";

/** One resource a token grants (or a scope asks for): `{type: "repository", name: "a/b", actions: ["pull"]}`. */
export interface ResourceAccess {
  type: string;
  name: string;
  actions: string[];
}

export interface TokenClaims {
  iss: string;
  /** The service (registry) the token is for. */
  aud: string;
  /** The user name; `""` for anonymous. */
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  access: ResourceAccess[];
}

export interface TokenHeader {
  typ: "JWT";
  alg: "ES256";
  kid?: string;
  x5c?: string[];
}

/** How the header names the signing key: the certificate itself (`x5c`), its libtrust key id (`kid`), or both. */
export type KeyIdentification = "x5c" | "kid" | "x5c+kid";

/**
 * Parses a scope `TYPE:NAME:ACTIONS` (NAME may hold colons, e.g. a host with a port); throws on any other shape.
 * `repository:a/b:pull,push` → `{type: "repository", name: "a/b", actions: ["pull", "push"]}`.
 */
export function parseScope(scope: string): ResourceAccess {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first <= 0 || last === first || last === scope.length - 1) throw new Error(`not a scope: ${JSON.stringify(scope)}`);
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: scope.slice(last + 1).split(",") };
}

/** The scope string for `access`: `repository:a/b:pull,push`. */
export function formatScope(access: ResourceAccess): string {
  return `${access.type}:${access.name}:${access.actions.join(",")}`;
}

function base64Url(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString("base64url");
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/**
 * The libtrust key id distribution matches a `kid` header against: the first 240 bits of SHA-256 over the
 * key's DER SubjectPublicKeyInfo, base32, in 12 groups of 4 joined by `:`.
 */
export function libtrustKeyId(publicKey: KeyObject): string {
  const digest = createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest().subarray(0, 30);
  let bits = "";
  for (const byte of digest) bits += byte.toString(2).padStart(8, "0");
  const chars = bits.match(/.{5}/g)!.map((group) => BASE32[parseInt(group, 2)]!);
  return chars.join("").match(/.{4}/g)!.join(":");
}

/** The header for a token signed by `certificate`, naming the key as `identification` says. */
export function tokenHeader(certificate: Certificate, identification: KeyIdentification = "x5c"): TokenHeader {
  const header: TokenHeader = { typ: "JWT", alg: "ES256" };
  if (identification !== "x5c") header.kid = libtrustKeyId(createPublicKey(certificate.pem));
  if (identification !== "kid") header.x5c = [derBase64Of(certificate)];
  return header;
}

/** A JWT `header.claims.signature`, ES256 with the raw r||s signature JOSE wants (not DER). */
export function signToken(claims: TokenClaims, certificate: Certificate, identification?: KeyIdentification): string {
  const signingInput = `${base64Url(JSON.stringify(tokenHeader(certificate, identification)))}.${base64Url(JSON.stringify(claims))}`;
  const signature = sign("sha256", Buffer.from(signingInput), { key: privateKeyOf(certificate), dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${base64Url(signature)}`;
}

/** Claims for `sub` with `access`, valid from now for `lifetimeSeconds`, with a fresh `jti`. */
export function tokenClaims(fields: { iss: string; aud: string; sub: string; access: ResourceAccess[] }, lifetimeSeconds: number): TokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return { ...fields, exp: now + lifetimeSeconds, nbf: now, iat: now, jti: randomBytes(16).toString("hex") };
}

/** Splits a JWT into its parsed header and claims (no verification: see `tokenSignedBy`). */
export function decodeToken(token: string): { header: TokenHeader; claims: TokenClaims } {
  const [header, claims] = token.split(".");
  if (header === undefined || claims === undefined) throw new Error("not a JWT");
  return {
    header: JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as TokenHeader,
    claims: JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as TokenClaims,
  };
}

/** Whether the JWT's ES256 signature verifies with the public key of the certificate `pem`. */
export function tokenSignedBy(token: string, pem: string): boolean {
  const parts = token.split(".");
  if (parts.length !== 3) return false;
  const key = new X509Certificate(pem).publicKey;
  const signature = Buffer.from(parts[2]!, "base64url");
  return verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), { key, dsaEncoding: "ieee-p1363" }, signature);
}
