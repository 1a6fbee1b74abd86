// Docker's `config.json` as the Docker CLI reads it: `auths.<server>` entries, `credHelpers.<server>`
// and `credsStore`, and its rule for which key serves which registry.
import { readFile } from "node:fs/promises";
import { isDockerHubRegistry } from "../../protocol/imageReference.js";
import { DockerCredentialError } from "./dockerCredentialError.js";

/** The key Docker files Docker Hub's credentials under, and the server URL its helpers are asked about. */
export const DOCKER_HUB_SERVER_ADDRESS = "https://index.docker.io/v1/";

/** What Docker's config holds for one registry. */
export interface DockerCredentials {
  /** The user name (next to an identity token Docker writes `<token>`, `az acr login` a zero GUID). */
  username?: string;
  /** The password or access token. */
  password?: string;
  /** An OAuth2 refresh token (`identitytoken`), e.g. the ACR refresh token `az acr login` writes. */
  identityToken?: string;
}

/** The parts of `config.json` that say where credentials are. */
export interface DockerConfig {
  auths: Record<string, Record<string, unknown>>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

function invalidConfig(configPath: string, what: string): DockerCredentialError {
  return new DockerCredentialError(`The Docker config ${configPath} is invalid: ${what}`, "InvalidDockerConfig");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads and shape-checks `config.json`; a missing file is an empty config, as for Docker. */
export async function readDockerConfig(configPath: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(configPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { auths: {}, credHelpers: {} };
    throw new DockerCredentialError(`The Docker config ${configPath} could not be read (${(error as NodeJS.ErrnoException).code ?? "error"})`, "InvalidDockerConfig");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The text holds credentials: neither it nor the parser's excerpt of it goes into the message.
    throw invalidConfig(configPath, "it is not JSON");
  }
  if (!isPlainObject(parsed)) throw invalidConfig(configPath, "it is not a JSON object");
  const { auths = {}, credHelpers = {}, credsStore } = parsed;
  if (!isPlainObject(auths) || !Object.values(auths).every(isPlainObject)) throw invalidConfig(configPath, '"auths" must map servers to objects');
  if (!isPlainObject(credHelpers) || !Object.values(credHelpers).every((helper) => typeof helper === "string")) {
    throw invalidConfig(configPath, '"credHelpers" must map servers to helper names');
  }
  if (credsStore !== undefined && typeof credsStore !== "string") throw invalidConfig(configPath, '"credsStore" must be a helper name');
  return {
    auths: auths as Record<string, Record<string, unknown>>,
    credHelpers: credHelpers as Record<string, string>,
    ...(credsStore && { credsStore }),
  };
}

/** The server address Docker uses for a registry host: Docker Hub's legacy URL, otherwise `host[:port]`. */
export function dockerServerAddress(registryHost: string): string {
  return isDockerHubRegistry(registryHost) ? DOCKER_HUB_SERVER_ADDRESS : registryHost;
}

/** A config key as a host: Docker drops the scheme and any path (`https://host:5000/v2/` → `host:5000`). */
function keyHost(key: string): string {
  return key.replace(/^https?:\/\//i, "").split("/")[0]!.toLowerCase();
}

/** Whether a config key names the registry at `registryHost`. */
function keyMatches(key: string, registryHost: string): boolean {
  const host = keyHost(key);
  return isDockerHubRegistry(registryHost) ? isDockerHubRegistry(host) : host === registryHost.toLowerCase();
}

/**
 * The value filed under the registry in `entries`: the exact server address first (what Docker
 * writes), then any key of the same host written with a scheme, a path or in another case.
 */
export function findForRegistry<T>(entries: Record<string, T>, registryHost: string): T | undefined {
  const exact = entries[dockerServerAddress(registryHost)];
  if (exact !== undefined) return exact;
  const key = Object.keys(entries).find((candidate) => keyMatches(candidate, registryHost));
  return key === undefined ? undefined : entries[key];
}

function stringField(entry: Record<string, unknown>, field: string, configPath: string): string | undefined {
  const value = entry[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidConfig(configPath, `"${field}" of an auths entry must be a string`);
  return value;
}

/**
 * The credentials of one `auths` entry: `auth` (base64 of `user:password`) wins over `username` and
 * `password`, as in Docker; `identitytoken` is kept beside them. Undefined for an empty entry
 * (what Docker leaves when a credential store holds the secret).
 */
export function authsEntryCredentials(entry: Record<string, unknown>, configPath: string): DockerCredentials | undefined {
  let username = stringField(entry, "username", configPath);
  let password = stringField(entry, "password", configPath);
  const auth = stringField(entry, "auth", configPath);
  const identityToken = stringField(entry, "identitytoken", configPath);
  if (auth) {
    const decoded = Buffer.from(auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw invalidConfig(configPath, '"auth" of an auths entry must be base64 of "username:password"');
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const credentials: DockerCredentials = {
    ...(username && { username }),
    ...(password && { password }),
    ...(identityToken && { identityToken }),
  };
  return Object.keys(credentials).length > 0 ? credentials : undefined;
}
