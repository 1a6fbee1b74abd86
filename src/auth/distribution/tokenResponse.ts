// The answers of a distribution token server (the Docker token spec's GET and its OAuth2 POST):
// shape-checked before use, and turned into errors that carry no part of the body but its code.
import { RestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import { redactSecrets } from "../../diagnostics/redaction.js";
import { ACCESS_TOKEN_RENEWAL_MARGIN_MS, DEFAULT_TOKEN_LIFETIME_MS, scheduleRenewal, type CachedToken } from "../tokenCache.js";

const MAX_DESCRIPTION_CHARS = 200;

function invalidResponse(source: string, what: string): RestError {
  return new RestError(`The token response of ${source} is invalid: ${what}`, { code: "InvalidTokenResponse" });
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The access token of a successful token response: `access_token` (OAuth2) or `token` (the token
 * spec; both when a server serves either kind of client), a string; `expires_in` a number of
 * seconds (60 when absent or not positive); `issued_at` an RFC 3339 date. The lifetime is counted
 * from `receivedAt` on the local clock, not from `issued_at`, so a server clock that is off does
 * not make fresh tokens look expired.
 */
export function parseTokenResponse(bodyText: string | undefined, receivedAt: number, source: string): CachedToken {
  const body = parseJson(bodyText);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalidResponse(source, "it is not a JSON object");
  const { access_token: accessToken, token, expires_in: expiresIn, issued_at: issuedAt } = body as Record<string, unknown>;
  for (const [name, value] of [["access_token", accessToken], ["token", token]] as const) {
    if (value !== undefined && typeof value !== "string") throw invalidResponse(source, `"${name}" is not a string`);
  }
  const value = (accessToken as string | undefined) || (token as string | undefined);
  if (!value) throw invalidResponse(source, 'it holds neither "token" nor "access_token"');
  if (expiresIn !== undefined && (typeof expiresIn !== "number" || !Number.isFinite(expiresIn))) throw invalidResponse(source, '"expires_in" is not a number');
  if (issuedAt !== undefined && (typeof issuedAt !== "string" || Number.isNaN(Date.parse(issuedAt)))) throw invalidResponse(source, '"issued_at" is not a date');
  const lifetimeMs = typeof expiresIn === "number" && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_TOKEN_LIFETIME_MS;
  return scheduleRenewal(value, receivedAt + lifetimeMs, receivedAt, ACCESS_TOKEN_RENEWAL_MARGIN_MS);
}

/** The code and description of a failed token request: registry `{"errors":[…]}`, OAuth2 `{error, error_description}` or Docker Hub's `{details}`. */
function errorDetails(bodyText: string | undefined, secrets: readonly string[]): { code?: string; description?: string } {
  const body = parseJson(bodyText) as Record<string, unknown> | undefined;
  if (typeof body !== "object" || body === null) return {};
  const first = Array.isArray(body.errors) ? (body.errors[0] as Record<string, unknown> | undefined) : undefined;
  const pick = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
  const code = pick(first?.code) ?? pick(body.error);
  const description = pick(first?.message) ?? pick(body.error_description) ?? pick(body.details);
  // A server may echo what it was sent: the request's own secrets are cut out before anything else.
  const scrubbed = description && secrets.filter(Boolean).reduce((text, secret) => text.split(secret).join("REDACTED"), description);
  return { code, description: scrubbed && redactSecrets(scrubbed).slice(0, MAX_DESCRIPTION_CHARS) };
}

/**
 * The `RestError` for a token request the server refused: its status and code, and its
 * description (without the request's `secrets`, redacted, bounded). Neither the request (a
 * password, a refresh token) nor the response is attached.
 */
export function tokenRequestError(response: PipelineResponse, source: string, secrets: readonly string[] = []): RestError {
  const { code, description } = errorDetails(response.bodyAsText ?? undefined, secrets);
  const message = `Token request to ${source} failed: ${response.status}${code ? ` ${code}` : ""}${description ? `: ${description}` : ""}`;
  return new RestError(message, { statusCode: response.status, ...(code && { code }) });
}
