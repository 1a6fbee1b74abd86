// A temporary Docker config folder (`DOCKER_CONFIG`): `config.json` with credentials of every kind Docker
// writes. The same file serves skopeo as `--authfile`.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { makeTempDir, removeTempDir } from "./processCleanup.js";

export type DockerConfigEntry =
  /** `auths.<host>.auth`: base64 of `username:password` (what `docker login` writes without a store). */
  | { kind: "auth"; host: string; username: string; password: string }
  /** `auths.<host>.username` and `.password`, in clear (older tools and hand-written files). */
  | { kind: "usernamePassword"; host: string; username: string; password: string }
  /**
   * `auths.<host>.identitytoken`: a refresh token for the token server's OAuth2 POST; with `username`,
   * also `auth` = base64 of `username:` as Docker writes it.
   */
  | { kind: "identityToken"; host: string; identityToken: string; username?: string }
  /** `credHelpers.<host>`: ask `docker-credential-<helper>` for this host. */
  | { kind: "credHelper"; host: string; helper: string };

export interface DockerConfigOptions {
  entries?: DockerConfigEntry[];
  /** `credsStore`: the helper for every host without an entry of its own. */
  credsStore?: string;
  /** Top-level fields written as given (e.g. a malformed `auths`, to test refusal). */
  extra?: Record<string, unknown>;
}

export interface DockerConfigJson {
  auths?: Record<string, Record<string, string>>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
  [field: string]: unknown;
}

export interface DockerConfigFolder {
  /** The folder: the value of `DOCKER_CONFIG`. */
  dir: string;
  /** `<dir>/config.json` (also a valid skopeo `--authfile`). */
  configPath: string;
  /** What was written. */
  config: DockerConfigJson;
  /** `{ DOCKER_CONFIG: dir }`, to merge into a child's environment. */
  env: { DOCKER_CONFIG: string };
  /** Removes the folder (also done when the process ends). */
  remove(): void;
}

/** The `config.json` content for `options`; entries for one host are merged into one `auths` object. */
export function dockerConfigJson(options: DockerConfigOptions): DockerConfigJson {
  const config: DockerConfigJson = {};
  const auth = (host: string): Record<string, string> => ((config.auths ??= {})[host] ??= {});
  for (const entry of options.entries ?? []) {
    switch (entry.kind) {
      case "auth":
        auth(entry.host).auth = Buffer.from(`${entry.username}:${entry.password}`).toString("base64");
        break;
      case "usernamePassword":
        Object.assign(auth(entry.host), { username: entry.username, password: entry.password });
        break;
      case "identityToken":
        if (entry.username !== undefined) auth(entry.host).auth = Buffer.from(`${entry.username}:`).toString("base64");
        auth(entry.host).identitytoken = entry.identityToken;
        break;
      case "credHelper":
        (config.credHelpers ??= {})[entry.host] = entry.helper;
        break;
    }
  }
  if (options.credsStore !== undefined) config.credsStore = options.credsStore;
  return { ...config, ...options.extra };
}

/** Writes `config.json` for `options` into a fresh temporary folder (mode 0700, as mkdtemp makes it). */
export function writeDockerConfig(options: DockerConfigOptions = {}): DockerConfigFolder {
  const dir = makeTempDir("acr-test-docker-config-");
  const configPath = path.join(dir, "config.json");
  const config = dockerConfigJson(options);
  writeFileSync(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  return { dir, configPath, config, env: { DOCKER_CONFIG: dir }, remove: () => removeTempDir(dir) };
}
