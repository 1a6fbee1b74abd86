import { isIP } from "node:net";

/**
 * Turns what users type as a registry endpoint into an origin URL: `myregistry.azurecr.io`
 * becomes `https://myregistry.azurecr.io`; a trailing slash is dropped. Paths, queries,
 * credentials in the URL and schemes other than http(s) are refused before anything is sent.
 */
export function normalizeEndpoint(endpoint: string): string {
  if (typeof endpoint !== "string") {
    throw new TypeError(`endpoint must be a string, got ${typeof endpoint}`);
  }
  const trimmed = endpoint.trim();
  if (trimmed === "") {
    throw new RangeError("endpoint must not be empty");
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new RangeError(`endpoint "${endpoint}" is not a valid URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new RangeError(`endpoint "${endpoint}" must use https:// (or http:// for a local registry)`);
  }
  if (url.username || url.password) {
    throw new RangeError("endpoint must not contain credentials; pass a credential object instead");
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    throw new RangeError(`endpoint "${endpoint}" must be a registry origin such as https://myregistry.azurecr.io, without a path or query`);
  }
  return url.origin;
}

/** True for hosts that never leave the machine: `localhost`, 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return false;
}

/**
 * A credential may travel over plain http only to a loopback registry (the emulator, a local
 * distribution registry); anywhere else tokens would cross the network in clear text.
 */
export function assertCredentialTransport(endpoint: string, hasCredential: boolean): void {
  const url = new URL(endpoint);
  if (hasCredential && url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new RangeError(
      `Refusing to send a credential over plain http to ${url.host}: use an https:// endpoint, ` +
        "or omit the credential for anonymous access. Plain http is allowed with a credential only for loopback registries.",
    );
  }
}

/** The `host[:port]` part of an endpoint, as registries name themselves in references. */
export function endpointHost(endpoint: string): string {
  return new URL(endpoint).host;
}
