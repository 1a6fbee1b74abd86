// Image references as Docker, containerd and oras write them: `[registry/]repository[:tag][@digest]`,
// with Docker Hub's defaults. Pure: no request is ever sent to resolve one.
import { isIPv6 } from "node:net";
import { isDigest, isRepositoryName, isTag } from "./grammar.js";

/** Docker Hub's name in references, and the host that actually serves its registry API. */
export const DOCKER_HUB_REGISTRY = "docker.io";
export const DOCKER_HUB_ENDPOINT = "https://registry-1.docker.io";
/** Hosts that mean Docker Hub in a reference. */
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB_REGISTRY, "index.docker.io", "registry-1.docker.io"]);
/** The tag Docker pulls when a reference names neither a tag nor a digest. */
export const DEFAULT_TAG = "latest";

const DOMAIN_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const PORT = /^[0-9]{1,5}$/;

/** An image reference split into what the clients need to reach it. */
export interface ImageReference {
  /**
   * The registry as written in the reference (`host[:port]`, an IPv6 address in brackets), or
   * `docker.io` when the reference names none; Docker Hub's aliases (`index.docker.io`,
   * `registry-1.docker.io`) are written `docker.io`.
   */
  registry: string;
  /**
   * The endpoint to give a client: `https://<registry>`, or `https://registry-1.docker.io` for
   * Docker Hub. A registry served over plain http on loopback needs its `http://` endpoint instead.
   */
  endpoint: string;
  /** The repository, e.g. `library/alpine` (Docker Hub's `library/` is added to one-segment names). */
  repository: string;
  /** The tag, when the reference names one. */
  tag?: string;
  /** The digest, when the reference names one (`name:tag@digest` pins the digest; the tag is informative). */
  digest?: string;
  /** What to fetch the manifest by: the digest if there is one, else the tag, else `latest`. */
  tagOrDigest: string;
}

/** Options of {@link parseImageReference}. */
export interface ParseImageReferenceOptions {
  /**
   * The registry of references that name none, e.g. a client's own registry; default `docker.io`
   * (with Docker Hub's `library/` prefix for one-segment names, which no other registry gets).
   */
  defaultRegistry?: string;
}

function invalid(reference: string, why: string): RangeError {
  return new RangeError(`"${reference}" is not a valid image reference: ${why}`);
}

/** `host[:port]`: DNS labels, an IPv4 address, or an IPv6 address in brackets, then an optional port 1-65535. */
export function isRegistryHost(value: string): boolean {
  let host = value;
  let port: string | undefined;
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    if (end < 0 || !isIPv6(value.slice(1, end))) return false;
    const rest = value.slice(end + 1);
    if (rest !== "" && !rest.startsWith(":")) return false;
    port = rest ? rest.slice(1) : undefined;
    host = "";
  } else {
    const colon = value.lastIndexOf(":");
    if (colon >= 0) {
      port = value.slice(colon + 1);
      host = value.slice(0, colon);
    }
    if (!host.split(".").every((label) => DOMAIN_LABEL.test(label))) return false;
  }
  return port === undefined || (PORT.test(port) && Number(port) >= 1 && Number(port) <= 65535);
}

/**
 * Whether the first path component names a registry: Docker's rule is that it does when it holds
 * a `.` or a `:`, is `localhost`, or has an uppercase letter (repositories never do).
 */
function namesRegistry(component: string): boolean {
  return /[.:]/.test(component) || component.startsWith("[") || component === "localhost" || component !== component.toLowerCase();
}

/**
 * Parses an image reference: `alpine`, `alpine:3.20`, `ghcr.io/owner/app@sha256:…`,
 * `myregistry.azurecr.io/team/app:v1`, `localhost:5000/app`, `[::1]:5000/app:v1`.
 *
 * References without a registry are Docker Hub's (or `options.defaultRegistry`'s): `alpine` is
 * `docker.io/library/alpine`, served by `https://registry-1.docker.io`. Throws a `TypeError` for
 * a non-string and a `RangeError` naming the faulty part for anything else that is not a reference.
 */
export function parseImageReference(reference: string, options: ParseImageReferenceOptions = {}): ImageReference {
  if (typeof reference !== "string") throw new TypeError(`reference must be a string, got ${reference === null ? "null" : typeof reference}`);
  const text = reference.trim();
  if (text === "") throw new RangeError("reference must not be empty");
  if (options.defaultRegistry !== undefined && !isRegistryHost(options.defaultRegistry)) {
    throw new RangeError(`defaultRegistry "${options.defaultRegistry}" is not a registry host (host, host:port or [IPv6]:port)`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) throw invalid(reference, "leave out the scheme (e.g. myregistry.azurecr.io/app:v1)");

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw invalid(reference, `"${digest}" is not a digest (expected <algorithm>:<hex>, e.g. sha256: and 64 lowercase hex digits)`);
  }

  let registry: string | undefined;
  const slash = rest.indexOf("/");
  if (slash >= 0 && namesRegistry(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    rest = rest.slice(slash + 1);
    if (!isRegistryHost(registry)) throw invalid(reference, `"${registry}" is not a registry host (host, host:port or [IPv6]:port)`);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isTag(tag)) throw invalid(reference, `"${tag}" is not a tag (up to 128 letters, digits, _ . - and not starting with . or -)`);
  }

  const resolvedRegistry = registry ?? options.defaultRegistry ?? DOCKER_HUB_REGISTRY;
  const dockerHub = DOCKER_HUB_ALIASES.has(resolvedRegistry.toLowerCase());
  const repository = dockerHub && !rest.includes("/") ? `library/${rest}` : rest;
  if (repository === "" || repository.endsWith("/")) throw invalid(reference, "the repository name is missing");
  if (repository !== repository.toLowerCase()) throw invalid(reference, `repository "${repository}" must be lowercase`);
  if (!isRepositoryName(repository)) {
    throw invalid(reference, `"${repository}" is not a repository name (lowercase letters, digits and . _ __ - separators in components joined by /)`);
  }
  const normalizedRegistry = dockerHub ? DOCKER_HUB_REGISTRY : resolvedRegistry;
  return {
    registry: normalizedRegistry,
    endpoint: dockerHub ? DOCKER_HUB_ENDPOINT : `https://${normalizedRegistry}`,
    repository,
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
    tagOrDigest: digest ?? tag ?? DEFAULT_TAG,
  };
}

/** Whether a registry host (as written in references or endpoints) is Docker Hub's. */
export function isDockerHubRegistry(host: string): boolean {
  return DOCKER_HUB_ALIASES.has(host.toLowerCase());
}

/** Whether two registry hosts are the same registry: equal but for case, or both Docker Hub. */
export function isSameRegistry(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || (isDockerHubRegistry(a) && isDockerHubRegistry(b));
}
