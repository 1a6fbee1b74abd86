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
const SECRET_NAMES = "access_token|refresh_token|id_token|password|passwd|client_secret|token|identitytoken|identity_token|registrytoken|auth|secret";
/** A JSON field (`"token": "…"`) or a form field (`token=…`); a path such as `/token: …` in a message is neither. */
const SECRET_FIELD = new RegExp(`("(?:${SECRET_NAMES})"\\s*:\\s*"?|(?<![\\w/.-])(?:${SECRET_NAMES})=)[^"&\\s,}]+`, "gi");
/** User info in URLs: `https://user:password@host`. */
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]*@/gi;
/** A JWT (the shape of ACR's and Entra ID's tokens) wherever it appears, even outside a named field. */
const JWT = /\beyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)*/g;

/**
 * Removes secrets from a log line or message: query values other than the safe ones (SAS `sig=`,
 * upload `_state=`), bearer and basic credentials, secret fields of form or JSON bodies (passwords,
 * tokens, identity tokens), user info in URLs, and JWTs.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(QUERY_VALUE, (match, separator: string, name: string) =>
      SAFE_QUERY_PARAMETERS.has(name) ? match : `${separator}${name}=${REDACTED}`,
    )
    .replace(AUTHORIZATION_VALUE, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SECRET_FIELD, (_match, prefix: string) => `${prefix}${REDACTED}`)
    .replace(URL_USER_INFO, (_match, scheme: string) => `${scheme}${REDACTED}@`)
    .replace(JWT, REDACTED);
}

/** Keys whose values are secrets whatever they look like. */
const SECRET_KEY = /token|password|secret|authorization|signature|^sig$/i;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A copy of parsed JSON (an error's `details`) with secret-named fields and secrets in strings redacted. */
function redactValue(value: unknown, key = ""): unknown {
  if (typeof value === "string") return SECRET_KEY.test(key) ? REDACTED : redactSecrets(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, redactValue(item, name)]));
  return value;
}

function replaceOwn(target: object, key: string, value: unknown): void {
  const enumerable = Object.prototype.propertyIsEnumerable.call(target, key);
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable });
}

/**
 * Removes secrets from an error about to reach the caller, whatever a server put into it (core's
 * parse errors quote the body, registries echo requests): its message, stack and `details`, and
 * those of its `cause`. What `toString()`, `JSON.stringify` and `util.inspect` print comes from
 * these (a RestError's request and response are left out or sanitised by core).
 */
export function redactError<T>(error: T): T {
  if (!(error instanceof Error)) return error;
  const message = redactSecrets(error.message);
  if (message !== error.message) replaceOwn(error, "message", message);
  if (typeof error.stack === "string") {
    const stack = redactSecrets(error.stack);
    if (stack !== error.stack) replaceOwn(error, "stack", stack);
  }
  const details = (error as { details?: unknown }).details;
  if (details !== undefined) replaceOwn(error, "details", redactValue(details));
  if (error.cause !== undefined && error.cause !== error) redactError(error.cause);
  return error;
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
