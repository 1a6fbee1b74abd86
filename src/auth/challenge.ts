/** One challenge of a `WWW-Authenticate` header: the scheme and its auth-params (names lowercased). */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** What a registry's Bearer challenge asks for. */
export interface BearerChallenge {
  realm?: string;
  service?: string;
  /** Space-separated scopes, e.g. `repository:library/hello:pull`. */
  scope?: string;
  /** `insufficient_scope` when the token sent lacked the scope, `invalid_token` when it was rejected. */
  error?: string;
}

/**
 * Parses a `WWW-Authenticate` header per RFC 9110: several challenges may share one header,
 * parameter values may be tokens or quoted strings with backslash escapes, and commas inside
 * quotes (as in `scope="repository:a:pull,push"`) do not split parameters. Repeated `scope`
 * parameters are joined with spaces, as one space-separated list.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const n = header.length;
  const skip = (chars: string): void => {
    while (i < n && chars.includes(header[i]!)) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  const readQuoted = (): string => {
    let value = "";
    i++; // opening quote
    while (i < n && header[i] !== '"') {
      if (header[i] === "\\" && i + 1 < n) i++;
      value += header[i++];
    }
    i++; // closing quote
    return value;
  };

  while (i < n) {
    skip(" \t,");
    const scheme = readToken();
    if (!scheme) {
      i++; // not a token: skip the stray character rather than loop forever
      continue;
    }
    const challenge: AuthChallenge = { scheme, params: {} };
    challenges.push(challenge);
    skip(" \t");
    // Auth-params follow until the next scheme (a token not followed by "=").
    while (i < n) {
      skip(" \t,");
      const mark = i;
      const name = readToken();
      skip(" \t");
      if (!name || header[i] !== "=") {
        i = mark; // a new challenge (or token68 data, which registries do not use) starts here
        if (!name) i++;
        break;
      }
      i++; // "="
      skip(" \t");
      const value = header[i] === '"' ? readQuoted() : readToken();
      const key = name.toLowerCase();
      // Several scope parameters are several scopes; any other repeated parameter keeps its last value.
      challenge.params[key] = key === "scope" && challenge.params.scope ? `${challenge.params.scope} ${value}` : value;
      skip(" \t");
      if (header[i] === ",") i++;
    }
  }
  return challenges;
}

/** The Bearer challenge of a 401 response, if the registry sent one. */
export function findBearerChallenge(header: string | undefined): BearerChallenge | undefined {
  if (!header) return undefined;
  const bearer = parseWwwAuthenticate(header).find((c) => c.scheme.toLowerCase() === "bearer");
  if (!bearer) return undefined;
  const { realm, service, scope, error } = bearer.params;
  return { realm, service, scope, error };
}

/** Whether a 401's `WWW-Authenticate` asks for Basic credentials (and for no Bearer token). */
export function isBasicChallenge(header: string | undefined): boolean {
  if (!header) return false;
  const schemes = parseWwwAuthenticate(header).map((c) => c.scheme.toLowerCase());
  return schemes.includes("basic") && !schemes.includes("bearer");
}
