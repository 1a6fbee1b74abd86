// The project's own recordings (test/recordings/emulator/*.json, test-proxy format) of this library talking
// to the ACR emulator. By default they replay through the playback HttpClient; with
// `TEST_MODE=record` the same scenarios run against a fresh emulator and the recordings are rewritten.
// Either way the scenario's assertions run on what the library returns.
import { createHash } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { ContainerRegistryClient } from "../../src/index.js";
import { startAcrEmulator, type EmulatorState } from "../../src/emulator/index.js";
import { PlaybackHttpClient, RecordingHttpClient } from "../utils/playback.js";

const recordingsDir = path.resolve(process.cwd(), "test", "recordings", "emulator");
const recordMode = process.env.TEST_MODE === "record";
/** Recordings name the registry by this host; playback ignores hosts. */
const playbackEndpoint = "https://myregistry.azurecr.io";

const digestOf = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

function image(index: number): { config: string; manifest: string } {
  const config = JSON.stringify({ architecture: "amd64", os: "linux", index });
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: digestOf(config), size: config.length },
    layers: [],
  });
  return { config, manifest };
}

/** Two images; the first carries five tags, the second two. Fixed times keep recordings stable. */
const seed: EmulatorState = {
  repositories: [
    {
      name: "samples/hello",
      blobs: [0, 1].map((i) => ({ content: image(i).config })),
      manifests: [0, 1].map((i) => ({ content: image(i).manifest, createdTime: `2026-01-0${i + 1}T00:00:00.000Z` })),
      tags: [
        ...["a", "b", "c", "d", "e"].map((name, i) => ({ name, digest: digestOf(image(0).manifest), createdTime: `2026-01-01T00:0${i}:00.000Z` })),
        ...["x", "y"].map((name) => ({ name, digest: digestOf(image(1).manifest), createdTime: "2026-01-02T00:00:00.000Z" })),
      ],
    },
  ],
};

interface Session {
  client: ContainerRegistryClient;
  /** Every request the client sent, in order (replayed or recorded). */
  requests: Array<{ url: string; method: string }>;
}

/** Runs `scenario` against a recording (playback) or the emulator (record mode). */
async function withSession(name: string, scenario: (session: Session) => Promise<void>): Promise<void> {
  const file = path.join(recordingsDir, `${name}.json`);
  if (!recordMode) {
    const playback = new PlaybackHttpClient(file);
    const credential: TokenCredential = { getToken: async (): Promise<AccessToken> => ({ token: "entra", expiresOnTimestamp: Date.now() + 3600_000 }) };
    const client = new ContainerRegistryClient(playbackEndpoint, credential, { httpClient: playback, retryOptions: { maxRetries: 0 } });
    await scenario({ client, requests: playback.requests });
    playback.assertAllConsumed();
    return;
  }
  const emulator = await startAcrEmulator({ serviceName: "myregistry.azurecr.io" });
  try {
    await emulator.seed(seed);
    const recorder = new RecordingHttpClient(createDefaultHttpClient(), { sanitizeHost: () => "myregistry.azurecr.io" });
    const requests: Session["requests"] = [];
    const counting: HttpClient = {
      sendRequest: (request) => {
        requests.push({ method: request.method, url: request.url });
        return recorder.sendRequest(request);
      },
    };
    const client = new ContainerRegistryClient(emulator.endpoint, emulator.credential, { httpClient: counting, retryOptions: { maxRetries: 0 } });
    await scenario({ client, requests });
    await recorder.save(file);
  } finally {
    await emulator.close();
  }
}

describe(`own recordings (${recordMode ? "recording against the emulator" : "playback"})`, () => {
  it("lists an artifact's tags by pages, filtered by its digest", () =>
    withSession("list_artifact_tags_by_pages", async ({ client }) => {
      const pages = [];
      for await (const page of client.getArtifact("samples/hello", "a").listTagProperties({ order: "LastUpdatedOnAscending" }).byPage({ maxPageSize: 2 })) {
        pages.push(page.map((t) => t.name));
      }
      expect(pages).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    }));

  it("authenticates once per scope across many calls", () =>
    withSession("token_reuse_across_calls", async ({ client, requests }) => {
      const repository = client.getRepository("samples/hello");
      for (let i = 0; i < 5; i++) expect((await repository.getProperties()).tagCount).toBe(7);
      await repository.updateProperties({ canList: true });
      await repository.updateProperties({ canList: true });
      const count = (p: string) => requests.filter((r) => new URL(r.url).pathname === p).length;
      expect(count("/oauth2/exchange")).toBe(1);
      expect(count("/oauth2/token")).toBe(2); // metadata_read, then metadata_write
      // Reads with the first one challenged; the metadata_write scope is predicted and fetched up front.
      expect(count("/acr/v1/samples%2Fhello")).toBe(5 + 1 + 2);
    }));
});
