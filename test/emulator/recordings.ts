// Reading the recorded real-ACR sessions (Azure SDK test-proxy JSON) for fidelity.spec.ts: entries,
// headers, the request bodies as sent, and the emulator state the recorded answers imply.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sharedRecordingsDir } from "../utils/playback.js";
import type { EmulatorState, ManifestState, RepositoryState } from "../../src/emulator/index.js";

/** The shared recordings of real ACR sessions (`../shared`, or `$ACR_SHARED_DIR`), when present. */
export const RECORDINGS = sharedRecordingsDir();
export const RECORDED_HOST = "https://Sanitized.azurecr.io";

export interface Entry {
  RequestUri: string;
  RequestMethod: string;
  RequestHeaders: Record<string, string>;
  RequestBody: unknown;
  StatusCode: number;
  ResponseHeaders: Record<string, string | string[]>;
  ResponseBody: unknown;
}

export function recordingFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? recordingFiles(path) : name.endsWith(".json") ? [path] : [];
    })
    .sort();
}

export const load = (file: string): Entry[] => (JSON.parse(readFileSync(file, "utf8")) as { Entries: Entry[] }).Entries;

export function header(headers: Record<string, string | string[]>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

export function challengeParams(value: string): Record<string, string> {
  return Object.fromEntries([...value.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

export function serviceOf(entries: Entry[]): string | undefined {
  for (const entry of entries) {
    const challenge = header(entry.ResponseHeaders, "WWW-Authenticate");
    if (challenge) return challengeParams(challenge).service;
  }
  return undefined;
}

/** The recorded request path, decoded, without host and query. */
const pathOf = (uri: string): string => decodeURIComponent(new URL(uri).pathname);

// ---- seed state derived from the recordings, per registry (service) ----

interface SeedDraft {
  repositories: Map<string, { manifests: Map<string, ManifestState>; tags: Map<string, { digest: string; createdTime?: string; lastUpdateTime?: string }> }>;
}

function draftRepository(draft: SeedDraft, name: string) {
  let repository = draft.repositories.get(name);
  if (!repository) {
    repository = { manifests: new Map(), tags: new Map() };
    draft.repositories.set(name, repository);
  }
  return repository;
}

function addManifestMetadata(draft: SeedDraft, name: string, metadata: Record<string, unknown>): void {
  const repository = draftRepository(draft, name);
  const digest = metadata.digest as string;
  const { tags, changeableAttributes: _ignored, ...fields } = metadata;
  repository.manifests.set(digest, { ...repository.manifests.get(digest), ...(fields as ManifestState) });
  for (const tag of (tags as string[] | undefined) ?? []) {
    repository.tags.set(tag, { ...repository.tags.get(tag), digest });
  }
}

export function deriveSeeds(files: string[]): Map<string, EmulatorState> {
  const drafts = new Map<string, SeedDraft>();
  for (const file of files) {
    const entries = load(file);
    const service = serviceOf(entries) ?? "";
    const draft = drafts.get(service) ?? { repositories: new Map() };
    drafts.set(service, draft);
    for (const entry of entries) {
      if (entry.RequestMethod !== "GET" || entry.StatusCode !== 200 || !entry.RequestUri.startsWith(RECORDED_HOST)) continue;
      const path = pathOf(entry.RequestUri);
      const body = entry.ResponseBody as Record<string, unknown>;
      let match: RegExpExecArray | null;
      if (path === "/acr/v1/_catalog") {
        for (const name of body.repositories as string[]) draftRepository(draft, name);
      } else if ((match = /^\/acr\/v1\/(.+)\/_manifests$/.exec(path))) {
        for (const manifest of body.manifests as Array<Record<string, unknown>>) addManifestMetadata(draft, match[1]!, manifest);
      } else if ((match = /^\/acr\/v1\/(.+)\/_manifests\/[^/]+$/.exec(path))) {
        addManifestMetadata(draft, match[1]!, body.manifest as Record<string, unknown>);
      } else if ((match = /^\/acr\/v1\/(.+)\/_tags\/([^/]+)$/.exec(path))) {
        const tag = body.tag as { digest: string; createdTime: string; lastUpdateTime: string };
        draftRepository(draft, match[1]!).tags.set(match[2]!, { digest: tag.digest, createdTime: tag.createdTime, lastUpdateTime: tag.lastUpdateTime });
      } else if ((match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(path)) && typeof entry.ResponseBody === "string") {
        const digest = header(entry.ResponseHeaders, "Docker-Content-Digest")!;
        const repository = draftRepository(draft, match[1]!);
        repository.manifests.set(digest, {
          ...repository.manifests.get(digest),
          digest,
          content: Buffer.from(entry.ResponseBody, "base64"),
          mediaType: header(entry.ResponseHeaders, "Content-Type"),
        });
        if (!match[2]!.startsWith("sha256:")) repository.tags.set(match[2]!, { digest });
      }
    }
  }
  const seeds = new Map<string, EmulatorState>();
  for (const [service, draft] of drafts) {
    const repositories: RepositoryState[] = [...draft.repositories].map(([name, repository]) => ({
      name,
      manifests: [...repository.manifests.values()],
      tags: [...repository.tags].map(([tag, fields]) => ({ name: tag, ...fields })),
    }));
    seeds.set(service, { repositories });
  }
  return seeds;
}

// ---- request reconstruction ----

export function requestBody(entry: Entry): Buffer | undefined {
  const body = entry.RequestBody;
  if (body === null || body === undefined) return undefined;
  const length = Number(header(entry.RequestHeaders, "Content-Length") ?? NaN);
  if (typeof body === "object") {
    // Stored parsed: find the serialization that has the recorded length.
    for (const indent of [undefined, 2, 4, 3, 1, "\t"]) {
      for (const end of ["", "\n"]) {
        const text = Buffer.from(JSON.stringify(body, null, indent) + end);
        if (text.length === length) return text;
      }
    }
    return Buffer.from(JSON.stringify(body));
  }
  const text = String(body);
  if ((header(entry.RequestHeaders, "Content-Type") ?? "").includes("x-www-form-urlencoded")) return Buffer.from(text);
  const decoded = Buffer.from(text, "base64");
  return decoded.length === length ? decoded : Buffer.from(text);
}
