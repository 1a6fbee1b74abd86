import { isIP } from "node:net";

/**
 * True for hosts that never leave the machine: `localhost` itself, 127.0.0.0/8 and `::1`. Other
 * `*.localhost` names are not: they are resolved through DNS, which may answer any address.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost") return true;
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
