import { isNamedKeyCredential, isTokenCredential, type NamedKeyCredential, type TokenCredential } from "@azure/core-auth";
import { isDockerConfigCredential, type DockerConfigCredential } from "./dockerConfig/dockerConfigCredential.js";
import { namedKeyLogins, type LoginSource } from "./registryLogin.js";

/**
 * What the clients accept as a credential:
 *
 * - a `TokenCredential` (Microsoft Entra ID, e.g. `DefaultAzureCredential`): Azure Container Registry;
 * - a `NamedKeyCredential` (`new AzureNamedKeyCredential(username, password)`): any registry with
 *   username/password or token logins (ACR admin user and repository-scoped tokens, Docker Hub, GHCR);
 * - a {@link DockerConfigCredential}: whatever `docker login` or `az acr login` stored.
 */
export type RegistryCredential = TokenCredential | NamedKeyCredential | DockerConfigCredential;

/** How a client authenticates, decided once from its credential. */
export type ClientAuthentication =
  | { kind: "anonymous" }
  /** ACR's Entra ID exchange, on the registry's own host only. */
  | { kind: "entra"; credential: TokenCredential }
  /** Usernames/passwords or identity tokens, for the distribution token flow and Basic registries. */
  | { kind: "login"; logins: LoginSource };

export function isRegistryCredential(value: unknown): value is RegistryCredential {
  return isTokenCredential(value) || isNamedKeyCredential(value) || isDockerConfigCredential(value);
}

/**
 * Whether a value is meant as a credential (it has a credential's members) even if it is not a
 * valid one: such a value is refused, never taken for an options bag (which would go anonymous).
 */
export function looksLikeCredential(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  return ["getToken", "key", "getCredentials"].some((member) => member in value);
}

function dockerConfigLogins(credential: DockerConfigCredential, registryHost: string): LoginSource {
  return {
    async current(options) {
      const found = await credential.getCredentials(registryHost, options);
      if (found?.identityToken) return { kind: "identityToken", identityToken: found.identityToken, ...(found.username && { username: found.username }) };
      if (found?.username && found.password) return { kind: "password", username: found.username, password: found.password };
      return undefined;
    },
  };
}

/** How a client of the registry at `registryHost` authenticates with `credential`; a TypeError for anything else. */
export function clientAuthentication(credential: unknown, registryHost: string): ClientAuthentication {
  if (credential === undefined) return { kind: "anonymous" };
  if (isTokenCredential(credential)) return { kind: "entra", credential };
  if (isNamedKeyCredential(credential)) return { kind: "login", logins: namedKeyLogins(credential) };
  if (isDockerConfigCredential(credential)) return { kind: "login", logins: dockerConfigLogins(credential, registryHost) };
  throw invalidCredentialError();
}

export function invalidCredentialError(): TypeError {
  return new TypeError(
    "credential must be a TokenCredential (Microsoft Entra ID), a NamedKeyCredential (username and password) or a " +
      "DockerConfigCredential, or undefined for anonymous access",
  );
}
