import type { AbortSignalLike } from "@azure/abort-controller";
import { basicAuthorizationValue, type LoginSource } from "./registryLogin.js";

/**
 * Basic credentials for a registry that challenges with `Basic realm=…` (htpasswd registries,
 * some proxies): the login's username and password on the registry's own requests. The header is
 * kept until the registry rejects it; the login is then read again, so a rotated password takes
 * over without a new client. An identity token is never sent as Basic credentials.
 */
export class BasicAuthorization {
  private header: Promise<string | undefined> | undefined;

  constructor(private readonly logins: LoginSource | undefined) {}

  /** The `Authorization` value to send, or undefined when there is no username/password. */
  get(abortSignal?: AbortSignalLike): Promise<string | undefined> {
    this.header ??= this.read(abortSignal).catch((error: unknown) => {
      this.header = undefined;
      throw error;
    });
    return this.header;
  }

  /** Forgets a header the registry rejected: the next request reads the login again. */
  async reject(rejected: string): Promise<void> {
    if ((await this.header?.catch(() => undefined)) === rejected) this.header = undefined;
  }

  /** After the registry rejected `rejected`: the login read again, if it now gives another header. */
  async renew(rejected: string, abortSignal?: AbortSignalLike): Promise<string | undefined> {
    await this.reject(rejected);
    const header = await this.get(abortSignal);
    return header !== rejected ? header : undefined;
  }

  private async read(abortSignal?: AbortSignalLike): Promise<string | undefined> {
    const login = await this.logins?.current({ abortSignal });
    return login?.kind === "password" ? basicAuthorizationValue(login) : undefined;
  }
}
