import type { Debugger } from "@azure/logger";
import { logger } from "./logger.js";

/** Query parameters that never carry secrets; every other query value is redacted in logs and errors. */
export const SAFE_QUERY_PARAMETERS = new Set(["api-version", "n", "last", "orderby", "digest", "mount", "from", "mode", "service", "scope"]);

const REDACTED = "REDACTED";

/** Drops query values from a URL for messages: upload locations and blob redirects carry signatures and state. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of [...parsed.searchParams.keys()]) {
      if (!SAFE_QUERY_PARAMETERS.has(key)) parsed.searchParams.set(key, REDACTED);
    }
    return parsed.toString();
  } catch {
    return "<invalid url>";
  }
}

const QUERY_VALUE = /([?&])([^=&\s"'<>#]+)=([^&\s"'<>#]*)/g;
const AUTHORIZATION_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/=]+/gi;
/**
 * Secret fields of form and JSON bodies: tokens of every flow, passwords, Docker's `identitytoken`
 * and `auth` (base64 of `user:password`), and a credential helper's `Secret`.
 */
const SECRET_FIELD =
  /("?(?:access_token|refresh_token|id_token|password|passwd|client_secret|token|identitytoken|identity_token|registrytoken|auth|secret)"?\s*[:=]\s*"?)[^"&\s,}]+/gi;
/** User info in URLs: `https://user:password@host`. */
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]*@/gi;

/**
 * Removes secrets from a log line: query values other than the safe ones (SAS `sig=`, upload
 * `_state=`), bearer and basic credentials, secret fields of form or JSON bodies (passwords,
 * tokens, identity tokens), and user info in URLs.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(QUERY_VALUE, (match, separator: string, name: string) =>
      SAFE_QUERY_PARAMETERS.has(name) ? match : `${separator}${name}=${REDACTED}`,
    )
    .replace(AUTHORIZATION_VALUE, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SECRET_FIELD, (_match, prefix: string) => `${prefix}${REDACTED}`)
    .replace(URL_USER_INFO, (_match, scheme: string) => `${scheme}${REDACTED}@`);
}

/** A logger that writes through `target` with every string argument passed through {@link redactSecrets}. */
function redactingLogger(target: Debugger): Debugger {
  const log = (...args: unknown[]): void => target(...args.map((arg) => (typeof arg === "string" ? redactSecrets(arg) : arg)));
  return Object.defineProperties(log, {
    enabled: { get: () => target.enabled, set: (value: boolean) => void (target.enabled = value) },
    namespace: { get: () => target.namespace },
    log: { get: () => target.log, set: (value: Debugger["log"]) => void (target.log = value) },
    destroy: { value: () => target.destroy() },
    extend: { value: (namespace: string) => target.extend(namespace) },
  }) as unknown as Debugger;
}

/**
 * The logger given to core's logging policy. That policy sanitises request headers and URLs, but
 * prints response headers as they are, and a registry's `Location` carries signed storage URLs and
 * upload state: every line goes through {@link redactSecrets} first.
 */
export const httpLogger: Debugger = redactingLogger(logger.info);
