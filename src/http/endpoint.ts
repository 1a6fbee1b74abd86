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

/** The `host[:port]` part of an endpoint, as registries name themselves in references. */
export function endpointHost(endpoint: string): string {
  return new URL(endpoint).host;
}
