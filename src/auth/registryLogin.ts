import type { AbortSignalLike } from "@azure/abort-controller";
import type { NamedKeyCredential } from "@azure/core-auth";

/** What a username/password credential holds for one registry at one moment. */
export type RegistryLogin =
  /** Sent as Basic credentials: to a token realm (`GET realm?service=&scope=`), or to a Basic registry. */
  | { kind: "password"; username: string; password: string }
  /** An OAuth2 refresh token (Docker's `identitytoken`), sent only in `POST realm` form bodies. */
  | { kind: "identityToken"; identityToken: string; username?: string };

/**
 * Where a client's login comes from. Credentials rotate (`AzureNamedKeyCredential.update()`, a new
 * `az acr login`), so it is asked again for every token request rather than read once.
 */
export interface LoginSource {
  /** The login to use now; undefined when there is none for this registry (the client is then anonymous). */
  current(options?: { abortSignal?: AbortSignalLike }): Promise<RegistryLogin | undefined>;
}

/** A `NamedKeyCredential` as a login: `name` is the user name, `key` the password or access token. */
export function namedKeyLogins(credential: NamedKeyCredential): LoginSource {
  return {
    async current() {
      const { name, key } = credential;
      if (typeof name !== "string" || name === "" || typeof key !== "string" || key === "") {
        throw new RangeError("The NamedKeyCredential must hold a non-empty name (the user name) and key (the password or token)");
      }
      return { kind: "password", username: name, password: key };
    },
  };
}

/** The value of an `Authorization: Basic` header for a password login. */
export function basicAuthorizationValue(login: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${login.username}:${login.password}`, "utf8").toString("base64")}`;
}
