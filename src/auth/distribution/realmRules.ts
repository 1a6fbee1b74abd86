// Which token realms a client follows. The realm of a Bearer challenge is chosen by the registry
// (Docker Hub's is auth.docker.io), so a hostile or compromised registry could aim the client's
// credentials anywhere: these rules bound where they go. See docs/authentication.md.
import { RestError } from "@azure/core-rest-pipeline";
import { BlockList, isIP } from "node:net";
import { isLoopbackHost } from "../credentialTransport.js";

/** Addresses that are not on the public internet: a remote registry has no business sending tokens requests there. */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network", 0.0.0.0 reaches the local host
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud instance metadata (169.254.169.254)
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, "ipv6");
}

/** True for `localhost`, `*.localhost` and IP literals of loopback, private, link-local or unspecified addresses. */
export function isNonPublicHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  // `*.localhost` names resolve to loopback by convention (RFC 6761), even though plain http with a
  // credential is allowed only to `localhost` itself and loopback literals.
  if (isLoopbackHost(host) || host.endsWith(".localhost")) return true;
  const family = isIP(host);
  return family !== 0 && NON_PUBLIC.check(host, family === 4 ? "ipv4" : "ipv6");
}

function refused(realm: string, why: string): RestError {
  return new RestError(`Refusing the registry's token realm ${realm}: ${why}. Nothing was sent to it.`, { code: "RealmRefused" });
}

/** A realm for messages: origin and path, without a query or user info. */
function describe(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * Checks a challenge's realm against the registry's endpoint before any request goes there, and
 * returns it parsed. Refused (a `RestError` with code `RealmRefused`):
 *
 * 1. anything but an absolute `http(s)` URL without user info;
 * 2. `http` when the registry is on `https` (no downgrade);
 * 3. `http` on another host than the registry's (a realm elsewhere only over TLS);
 * 4. on another host, a `localhost` name or a loopback, private, link-local or unspecified IP
 *    literal, unless the registry itself is on loopback and so is the realm: no registry can aim
 *    requests at the client's own machine or network (instance metadata, internal services);
 * 5. `http` when the request carries a password or refresh token and the realm is not loopback.
 *
 * "Host" is the host name: a realm on another port of the registry's host is the same host.
 */
export function checkedRealm(realm: string, registryEndpoint: string, carriesSecret: boolean): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw refused(JSON.stringify(realm.slice(0, 100)), "it is not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw refused(describe(url), "only http(s) realms are followed");
  if (url.username || url.password) throw refused(describe(url), "a realm must not carry user info");
  const registry = new URL(registryEndpoint);
  const sameHost = url.hostname.toLowerCase() === registry.hostname.toLowerCase();
  if (url.protocol === "http:" && registry.protocol === "https:") throw refused(describe(url), "the registry is on https, its realm must be too");
  if (url.protocol === "http:" && !sameHost) throw refused(describe(url), "a realm on another host than the registry's is followed only over https");
  if (!sameHost && isNonPublicHost(url.hostname) && !(isLoopbackHost(registry.hostname) && isLoopbackHost(url.hostname))) {
    throw refused(describe(url), "it points at a local or private address, which only the registry's own host may use");
  }
  if (carriesSecret && url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw refused(describe(url), "credentials travel over plain http only to loopback");
  }
  return url;
}
