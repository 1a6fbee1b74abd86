// Extracts from the recorded real ACR sessions (../shared/acr-recordings/js, test-proxy format) the
// small, secret-free subset committed under test/recordings/acr/recorded.json: every challenge (its
// route, status, WWW-Authenticate header and error code), the token requests' routes and form field
// NAMES, and the distinct route/status pairs of the other registry responses. test/recorded/
// acrRules.spec.ts checks the client's and the emulator's route → scope rule against it in every run.
//
//   node scripts/extract-acr-rules.mjs [--check] [--from <acr-recordings/js folder>]
//
// The recordings are found at --from, else $ACR_SHARED_DIR/acr-recordings/js, else
// ../shared/acr-recordings/js beside the repository. `--check` writes nothing and exits 1 when the
// committed subset differs from what the recordings give.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, URL, URLSearchParams } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const output = path.join(root, "test/recordings/acr/recorded.json");

/** Query parameters that say which route was asked for; every other one (`_state`, `sig`, ...) is dropped. */
const ROUTE_PARAMETERS = new Set(["api-version", "n", "last", "orderby", "digest", "mount", "from"]);

function recordingsFolder(args) {
  const from = args.indexOf("--from");
  if (from >= 0) return path.resolve(args[from + 1] ?? "");
  const shared = process.env.ACR_SHARED_DIR ? path.resolve(process.env.ACR_SHARED_DIR) : path.join(root, "..", "shared");
  return path.join(shared, "acr-recordings", "js");
}

/** Path and route parameters of a recorded URI; the host (sanitized anyway) is dropped. */
function routeOf(uri) {
  const url = new URL(uri);
  const query = [...url.searchParams].filter(([name]) => ROUTE_PARAMETERS.has(name));
  return query.length ? `${url.pathname}?${new URLSearchParams(query)}` : url.pathname;
}

function header(headers, name) {
  const found = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return Array.isArray(found?.[1]) ? found[1].join(", ") : found?.[1];
}

function errorCode(body) {
  const parsed = typeof body === "string" ? safeJson(body) : body;
  return parsed?.errors?.[0]?.code;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The names of a token request's form fields, in the order sent; their values stay out. */
function formFieldNames(body) {
  return typeof body === "string" ? [...new URLSearchParams(body).keys()] : Object.keys(body ?? {});
}

/** Digests and upload ids vary per request but not per route; one response per route shape and status is enough. */
function routeShape(route) {
  return route.replace(/sha256(%3A|:)[0-9a-f]{64}/gi, "<digest>").replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<upload>");
}

/** Entries grouped by `key`, each group once (first seen) with the recordings it appears in. */
class Groups {
  constructor() {
    this.byKey = new Map();
  }
  add(key, recording, entry) {
    const group = this.byKey.get(key) ?? { recordings: [], ...entry };
    if (!group.recordings.includes(recording)) group.recordings.push(recording);
    this.byKey.set(key, group);
  }
  list() {
    return [...this.byKey.values()];
  }
}

function extract(folder) {
  const files = readdirSync(folder, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".json")).sort();
  const challenges = new Groups();
  const tokenRequests = new Groups();
  const responses = new Groups();
  for (const file of files) {
    const recording = file.split(path.sep).join("/");
    for (const entry of JSON.parse(readFileSync(path.join(folder, file), "utf8")).Entries) {
      const url = new URL(entry.RequestUri);
      if (!url.hostname.endsWith(".azurecr.io")) continue; // blob storage: not the registry's rules
      const method = entry.RequestMethod;
      const route = routeOf(entry.RequestUri);
      const status = entry.StatusCode;
      if (url.pathname.startsWith("/oauth2/")) {
        const formFields = formFieldNames(entry.RequestBody);
        tokenRequests.add(`${method} ${route} ${status} ${[...formFields].sort()}`, recording, { method, path: route, status, formFields });
      } else if (status === 401) {
        const wwwAuthenticate = header(entry.ResponseHeaders, "WWW-Authenticate");
        const code = errorCode(entry.ResponseBody);
        challenges.add(`${method} ${route} ${wwwAuthenticate} ${code}`, recording, { method, path: route, status, wwwAuthenticate, errorCode: code });
      } else {
        responses.add(`${method} ${routeShape(url.pathname)} ${status}`, recording, { method, path: route, status });
      }
    }
  }
  return {
    source:
      "Recorded real ACR sessions of the Azure SDK for JavaScript's tests (Azure/azure-sdk-assets, " +
      "js/sdk/containerregistry/container-registry/recordings/node/, commit 59421903dd23), as kept in " +
      "../shared/acr-recordings/js; extracted by scripts/extract-acr-rules.mjs. Do not edit by hand.",
    challenges: challenges.list(),
    tokenRequests: tokenRequests.list(),
    responses: responses.list(),
  };
}

function main(args) {
  const folder = recordingsFolder(args);
  if (!existsSync(folder)) {
    console.error(`extract-acr-rules: ${folder} does not exist (pass --from <acr-recordings/js folder> or set ACR_SHARED_DIR)`);
    process.exit(2);
  }
  const text = `${JSON.stringify(extract(folder), null, 2)}\n`;
  if (args.includes("--check")) {
    const committed = existsSync(output) ? readFileSync(output, "utf8") : "";
    if (committed !== text) {
      console.error(`extract-acr-rules: ${path.relative(root, output)} is not what ${folder} gives; run node scripts/extract-acr-rules.mjs`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(output, text);
  console.log(`extract-acr-rules: wrote ${path.relative(root, output)}`);
}

main(process.argv.slice(2));
