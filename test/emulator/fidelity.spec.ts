/**
 * Replays every request of the recorded real-ACR sessions in ../shared/acr-recordings against the
 * emulator (seeded with state derived from the same recordings) and compares what matters:
 * status, error codes, WWW-Authenticate structure, Link, Location shape, Docker-Content-Digest,
 * Content-Type, upload Range and the JSON shape of bodies (keys, types, array lengths).
 *
 * Documented exceptions (what cannot or need not be equal):
 * - upload sessions: the UUID and the `_state` query value of `Location` are the emulator's own;
 *   Locations are compared with the UUID masked and by query keys, and the replayed PATCH / PUT
 *   go to the emulator's Location (plus the recorded `digest=`), not the recorded one;
 * - the 307 of a blob GET points at the emulator's signed storage link, not blob.core.windows.net:
 *   compared by blob path (`.../blobs/sha256/<xx>/<hex>/data`) and by query keys (a subset of the SAS ones);
 * - challenge scopes are compared as sets of actions: ACR itself wrote `push,pull` once and `pull,push` elsewhere;
 *   the challenge's `service` is not compared (the emulator is configured with the recorded one anyway);
 * - JSON values (times, counts, sanitized tag names) are compared by type only, error codes exactly;
 * - JSON request bodies were stored parsed: their bytes are rebuilt with the indentation that
 *   reproduces the recorded Content-Length;
 * - tokens: `Authorization: Sanitized` becomes the latest access token the emulator issued,
 *   `access_token=SecretPlaceholder` the dev token, sanitized refresh tokens the emulator's one.
 */
import { relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startAcrEmulator } from "../../src/emulator/index.js";
import { challengeParams, deriveSeeds, header, load, RECORDED_HOST, RECORDINGS, recordingFiles, requestBody, serviceOf } from "./recordings.js";

const DROPPED_HEADERS = new Set(["content-length", "connection", "accept-encoding", "host", "authorization"]);

// ---- comparisons ----

function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, shape((value as Record<string, unknown>)[key])]));
  }
  return value === null ? "null" : typeof value;
}

function scopeSets(scope: string | undefined): Record<string, string[]> {
  return Object.fromEntries(
    (scope ?? "").split(" ").filter(Boolean).map((item) => {
      const last = item.lastIndexOf(":");
      return [item.slice(0, last), item.slice(last + 1).split(",").sort()];
    }),
  );
}

function locationShape(location: string | undefined): unknown {
  if (location === undefined) return undefined;
  if (/^https?:/.test(location)) {
    const url = new URL(location);
    return { absolute: true, blobPath: url.pathname.replace(/^.*\/docker\/registry\/v2\//, "") };
  }
  const url = new URL(location, "http://relative");
  return {
    path: url.pathname.replace(/\/uploads\/[0-9a-f-]{36}$/, "/uploads/<uuid>"),
    queryKeys: [...url.searchParams.keys()].sort(),
  };
}

const files = RECORDINGS ? recordingFiles(RECORDINGS) : [];
let compared = 0;

describe.skipIf(files.length === 0)(
  `fidelity with recorded ACR sessions (skipped when ../shared/acr-recordings/js is absent)`,
  () => {
    const seeds = deriveSeeds(files);

    afterAll(() => {
      console.log(`fidelity: ${compared} recorded requests compared across ${files.length} recordings`);
    });

    for (const file of files) {
      it(relative(RECORDINGS!, file), async () => {
        const entries = load(file);
        const service = serviceOf(entries);
        const emulator = await startAcrEmulator({
          serviceName: service,
          anonymousPull: entries.some((entry) => String(entry.RequestBody).includes("grant_type=password")),
          redirectBlobDownloads: true,
        });
        try {
          await emulator.seed(seeds.get(service ?? "")!);
          let refreshToken = "";
          let accessToken = "";
          let storageLocation: string | undefined;
          const uploadLocations = new Map<string, string>();

          for (const [index, entry] of entries.entries()) {
            const where = `${relative(RECORDINGS!, file)} #${index} ${entry.RequestMethod} ${entry.RequestUri.slice(0, 120)}`;
            const recordedUrl = new URL(entry.RequestUri);
            let url: string;
            if (!entry.RequestUri.startsWith(RECORDED_HOST)) {
              expect(storageLocation, `${where}: no redirect to follow`).toBeDefined();
              url = storageLocation!;
            } else {
              const session = /\/blobs\/uploads\/([0-9a-f-]{36})$/.exec(recordedUrl.pathname)?.[1];
              if (session) {
                const ours = new URL(uploadLocations.get(session)!, emulator.endpoint);
                const digest = recordedUrl.searchParams.get("digest");
                if (digest) ours.searchParams.set("digest", digest);
                url = ours.toString();
              } else {
                url = emulator.endpoint + entry.RequestUri.slice(RECORDED_HOST.length);
              }
            }

            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(entry.RequestHeaders)) {
              if (!DROPPED_HEADERS.has(name.toLowerCase())) headers[name] = value;
            }
            if (entry.RequestHeaders.Authorization) headers.Authorization = `Bearer ${accessToken}`;
            let body = requestBody(entry);
            if (body && (header(entry.RequestHeaders, "Content-Type") ?? "").includes("x-www-form-urlencoded")) {
              const form = new URLSearchParams(body.toString());
              if (form.get("access_token")) form.set("access_token", emulator.devToken);
              if (form.get("refresh_token")) form.set("refresh_token", refreshToken);
              body = Buffer.from(form.toString());
            }

            const response = await fetch(url, { method: entry.RequestMethod, headers, body, redirect: "manual" });
            const data = Buffer.from(await response.arrayBuffer());
            const ours = (name: string): string | undefined => response.headers.get(name) ?? undefined;
            const recorded = (name: string): string | undefined => header(entry.ResponseHeaders, name);

            expect(response.status, `${where}: status (body ${data.toString().slice(0, 300)})`).toBe(entry.StatusCode);

            const recordedChallenge = recorded("WWW-Authenticate");
            expect(ours("WWW-Authenticate") !== undefined, `${where}: WWW-Authenticate presence`).toBe(recordedChallenge !== undefined);
            if (recordedChallenge) {
              const want = challengeParams(recordedChallenge);
              const got = challengeParams(ours("WWW-Authenticate")!);
              expect(ours("WWW-Authenticate")!.startsWith("Bearer "), where).toBe(true);
              expect(new URL(got.realm!).pathname, `${where}: realm`).toBe(new URL(want.realm!).pathname);
              expect(scopeSets(got.scope), `${where}: scope`).toEqual(scopeSets(want.scope));
              expect(got.error, `${where}: error`).toBe(want.error);
            }
            expect(ours("Link"), `${where}: Link`).toBe(recorded("Link"));
            expect(locationShape(ours("Location")), `${where}: Location`).toEqual(locationShape(recorded("Location")));
            if (recorded("Location")?.startsWith("https:")) {
              const keys = [...new URL(ours("Location")!).searchParams.keys()];
              const allowed = [...new URL(recorded("Location")!).searchParams.keys()];
              expect(keys.every((key) => allowed.includes(key)) && keys.includes("sig"), `${where}: storage link query`).toBe(true);
            }
            expect(ours("Docker-Content-Digest"), `${where}: Docker-Content-Digest`).toBe(recorded("Docker-Content-Digest"));
            expect(ours("Content-Type"), `${where}: Content-Type`).toBe(recorded("Content-Type"));
            expect(ours("Range"), `${where}: Range`).toBe(recorded("Range"));
            expect(ours("Docker-Upload-UUID") !== undefined, `${where}: Docker-Upload-UUID`).toBe(recorded("Docker-Upload-UUID") !== undefined);

            const recordedBody = entry.ResponseBody;
            if (recordedBody === null || recordedBody === undefined) {
              expect(data.length, `${where}: empty body`).toBe(0);
            } else if (Array.isArray(recordedBody) && recordedBody.every((line) => typeof line === "string")) {
              expect(data.toString(), `${where}: text body`).toMatch(/Temporary Redirect/);
            } else if (typeof recordedBody === "string") {
              expect(data.equals(Buffer.from(recordedBody, "base64")), `${where}: bytes`).toBe(true);
            } else {
              const parsed = JSON.parse(data.toString()) as Record<string, unknown>;
              expect(shape(parsed), `${where}: body shape`).toEqual(shape(recordedBody));
              const codes = (value: unknown): unknown => (value as { errors?: Array<{ code: string }> }).errors?.map((e) => e.code);
              expect(codes(parsed), `${where}: error codes`).toEqual(codes(recordedBody));
            }

            // Carry state forward the way the recorded client did.
            const json = /json/.test(ours("Content-Type") ?? "") && data.length ? (JSON.parse(data.toString()) as Record<string, string>) : {};
            if (json.refresh_token) refreshToken = json.refresh_token;
            if (json.access_token) accessToken = json.access_token;
            if (response.status === 307) storageLocation = ours("Location");
            const recordedSession = /\/blobs\/uploads\/([0-9a-f-]{36})/.exec(recorded("Location") ?? "")?.[1];
            if (recordedSession) uploadLocations.set(recordedSession, ours("Location")!);
            compared++;
          }
        } finally {
          await emulator.close();
        }
      });
    }
  },
);
