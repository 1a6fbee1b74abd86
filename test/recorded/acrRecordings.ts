// The committed subset of real ACR traffic (test/recordings/acr, format in its README.md): loading
// it, shape-checked, and scanning it for anything that looks like a secret.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ACR_RECORDINGS_DIR = fileURLToPath(new URL("../recordings/acr/", import.meta.url));

export interface RecordedChallenge {
  /** The file of test/recordings/acr it comes from. */
  file: string;
  recordings: string[];
  method: string;
  /** Path and route parameters, as sent. */
  path: string;
  status: number;
  wwwAuthenticate: string;
  errorCode?: string;
}

export interface RecordedTokenRequest {
  file: string;
  recordings: string[];
  method: string;
  path: string;
  status: number;
  formFields: string[];
}

export interface RecordedResponse {
  file: string;
  recordings: string[];
  method: string;
  path: string;
  status: number;
}

export interface AcrSubset {
  challenges: RecordedChallenge[];
  tokenRequests: RecordedTokenRequest[];
  responses: RecordedResponse[];
}

/** The JSON files of the subset, sorted. */
export function subsetFiles(): string[] {
  return readdirSync(ACR_RECORDINGS_DIR)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => path.join(ACR_RECORDINGS_DIR, file));
}

function fail(file: string, message: string): never {
  throw new Error(`${path.basename(file)}: ${message}`);
}

function isRoute(entry: Record<string, unknown>): boolean {
  return (
    Array.isArray(entry.recordings) &&
    entry.recordings.every((name) => typeof name === "string") &&
    typeof entry.method === "string" &&
    typeof entry.path === "string" &&
    entry.path.startsWith("/") &&
    Number.isInteger(entry.status)
  );
}

function entries<T>(file: string, value: unknown, name: string, valid: (entry: Record<string, unknown>) => boolean): T[] {
  if (!Array.isArray(value)) fail(file, `${name} is not an array`);
  return value.map((entry, index) => {
    if (typeof entry !== "object" || entry === null || !isRoute(entry) || !valid(entry)) fail(file, `${name}[${index}] is malformed`);
    return { file: path.basename(file), ...entry } as T;
  });
}

/** Every file of test/recordings/acr, merged; throws on an entry that does not have the documented shape. */
export function loadAcrSubset(): AcrSubset {
  const subset: AcrSubset = { challenges: [], tokenRequests: [], responses: [] };
  for (const file of subsetFiles()) {
    const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    if (typeof json.source !== "string") fail(file, "has no source");
    subset.challenges.push(
      ...entries<RecordedChallenge>(file, json.challenges, "challenges", (entry) => entry.status === 401 && typeof entry.wwwAuthenticate === "string"),
    );
    subset.tokenRequests.push(
      ...entries<RecordedTokenRequest>(file, json.tokenRequests, "tokenRequests", (entry) =>
        Array.isArray(entry.formFields) && entry.formFields.every((field) => typeof field === "string"),
      ),
    );
    subset.responses.push(...entries<RecordedResponse>(file, json.responses, "responses", (entry) => entry.status !== 401));
  }
  return subset;
}

/** What a secret looks like, by kind; the placeholders of sanitized recordings do not count. */
const SECRET_PATTERNS: Record<string, RegExp> = {
  "a JWT": /eyJ[\w-]{4,}\.[\w-]{4,}/,
  "an access_token value": /access_token=(?!SecretPlaceholder\b)[^&"\s]+/,
  "a refresh_token value": /refresh_token=[^&"\s]+/,
  "a password value": /password=[^&"\s]+/,
  "a token field in JSON": /"(access_token|refresh_token|token|password)"\s*:\s*"(?!Sanitized")[^"]+"/,
  "an Authorization header": /"authorization"\s*:/i,
  "a bearer or basic credential": /\b(Bearer|Basic) (?!realm=)[\w.~+/-]{8,}/,
  "a SAS signature": /[?&]sig=/,
  "an upload state": /[?&]_state=/,
};

/** The kinds of secret found in `text` (empty when clean). */
export function findSecrets(text: string): string[] {
  return Object.entries(SECRET_PATTERNS)
    .filter(([, pattern]) => pattern.test(text))
    .map(([kind]) => kind);
}
