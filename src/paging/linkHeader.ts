/** One link of an RFC 8288 `Link` header. */
export interface WebLink {
  /** The URI reference between `<` and `>`, as sent (relative or absolute). */
  target: string;
  /** Link parameters, names lowercased; `rel` values are space-separated relation types. */
  params: Record<string, string>;
}

/**
 * Parses a `Link` header (RFC 8288): several comma-separated links, each `<target>` followed by
 * `; name=value` parameters whose values may be quoted strings containing commas and semicolons.
 */
export function parseLinkHeader(header: string): WebLink[] {
  const links: WebLink[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = (): void => {
    while (i < n && (header[i] === " " || header[i] === "\t")) i++;
  };
  while (i < n) {
    const open = header.indexOf("<", i);
    if (open < 0) break;
    const close = header.indexOf(">", open + 1);
    if (close < 0) break;
    const link: WebLink = { target: header.slice(open + 1, close).trim(), params: {} };
    links.push(link);
    i = close + 1;
    for (;;) {
      skipSpace();
      if (header[i] !== ";") break;
      i++;
      skipSpace();
      const nameStart = i;
      while (i < n && !"=;, \t".includes(header[i]!)) i++;
      const name = header.slice(nameStart, i).toLowerCase();
      skipSpace();
      let value = "";
      if (header[i] === "=") {
        i++;
        skipSpace();
        if (header[i] === '"') {
          i++;
          while (i < n && header[i] !== '"') {
            if (header[i] === "\\" && i + 1 < n) i++;
            value += header[i++];
          }
          i++;
        } else {
          const valueStart = i;
          while (i < n && !";, \t".includes(header[i]!)) i++;
          value = header.slice(valueStart, i);
        }
      }
      // RFC 8288: only the first occurrence of a parameter counts.
      if (name && !(name in link.params)) link.params[name] = value;
    }
    skipSpace();
    if (header[i] === ",") i++;
  }
  return links;
}

/** The target of the first link whose `rel` includes `next` (case-insensitive), if any. */
export function findNextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return parseLinkHeader(header).find((link) =>
    (link.params.rel ?? "").toLowerCase().split(/\s+/).includes("next"),
  )?.target;
}
