import type { AbortSignalLike } from "@azure/abort-controller";
import { homedir } from "node:os";
import path from "node:path";
import { credentialsFromHelper } from "./credentialHelper.js";
import { authsEntryCredentials, dockerServerAddress, findForRegistry, readDockerConfig, type DockerCredentials } from "./dockerConfigFile.js";

export type { DockerCredentials } from "./dockerConfigFile.js";

/** Options of {@link DockerConfigCredential}. */
export interface DockerConfigCredentialOptions {
  /**
   * The Docker config file to read. Default: `$DOCKER_CONFIG/config.json` when `DOCKER_CONFIG` is
   * set, else `~/.docker/config.json`.
   */
  configPath?: string;
}

/** Options of {@link DockerConfigCredential.getCredentials}. */
export interface GetDockerCredentialsOptions {
  /** Stops waiting for a credential helper. */
  abortSignal?: AbortSignalLike;
}

/**
 * The credentials Docker uses, from its `config.json`: what `docker login` and `az acr login`
 * store, for any registry. Per registry, as the Docker CLI looks them up:
 *
 * 1. `credHelpers.<registry>`: the credential helper `docker-credential-<name>` is asked;
 * 2. else `credsStore`: that helper is asked for every registry;
 * 3. else `auths.<registry>`: `auth` (base64 of `user:password`), or `username` and `password`,
 *    and `identitytoken` (an OAuth2 refresh token: `az acr login` writes ACR's there).
 *
 * Docker Hub's credentials are filed under `https://index.docker.io/v1/`; other keys are
 * `host[:port]`, with or without a scheme. The file (and the helper) are read again for every
 * token request, so a new `docker login` or `az acr login` takes effect without a new client.
 *
 * ```ts
 * const client = new ContainerRegistryContentClient("https://ghcr.io", "owner/app", new DockerConfigCredential());
 * ```
 */
export class DockerConfigCredential {
  /** The config file this credential reads. */
  readonly configPath: string;

  constructor(options: DockerConfigCredentialOptions = {}) {
    if (options.configPath !== undefined && (typeof options.configPath !== "string" || options.configPath === "")) {
      throw new TypeError("configPath must be a non-empty string");
    }
    const dockerConfig = process.env.DOCKER_CONFIG;
    this.configPath = options.configPath ?? path.join(dockerConfig ? dockerConfig : path.join(homedir(), ".docker"), "config.json");
  }

  /**
   * The credentials Docker would use for a registry, read now; undefined when it has none (the
   * registry is then accessed anonymously). Rejects with a `DockerCredentialError` for a malformed
   * config or a missing or failing credential helper.
   * @param registry - The registry's `host[:port]` as in an image reference (`myregistry.azurecr.io`,
   *   `localhost:5000`, `docker.io`), or its endpoint URL.
   */
  async getCredentials(registry: string, options: GetDockerCredentialsOptions = {}): Promise<DockerCredentials | undefined> {
    if (typeof registry !== "string" || registry.trim() === "") throw new TypeError("registry must be a non-empty string");
    const host = registryHost(registry);
    const config = await readDockerConfig(this.configPath);
    const helper = findForRegistry(config.credHelpers, host) ?? config.credsStore;
    if (helper) return credentialsFromHelper(helper, dockerServerAddress(host), options.abortSignal);
    const entry = findForRegistry(config.auths, host);
    return entry && authsEntryCredentials(entry, this.configPath);
  }
}

/** `host[:port]` of a registry given as a host or an endpoint URL. */
function registryHost(registry: string): string {
  const trimmed = registry.trim();
  return /^https?:\/\//i.test(trimmed) ? new URL(trimmed).host : trimmed.replace(/\/+$/, "");
}

/**
 * Whether a value is a DockerConfigCredential, also one of another copy of this package (its CommonJS
 * and ES module builds in one process): by shape, as core-auth recognises its credentials.
 */
export function isDockerConfigCredential(value: unknown): value is DockerConfigCredential {
  const candidate = value as Partial<DockerConfigCredential> | null;
  return typeof candidate === "object" && candidate !== null && typeof candidate.getCredentials === "function" && typeof candidate.configPath === "string";
}
