// Conformance: the recordings of real ACR sessions (../shared/acr-recordings/js) that exercise the
// metadata API and authentication replay through the public API, and what the library returns
// matches the recorded response bodies.
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import {
  ContainerRegistryClient,
  isRestError,
  type ContainerRegistryClientOptions,
  type ManifestPageResponse,
  type TagPageResponse,
  type WritableRegistryItemProperties,
} from "../../src/index.js";
import { listRecordings, loadRecording, PlaybackHttpClient, SHARED_RECORDINGS_ABSENT, sharedRecordingsDir } from "../utils/playback.js";
import type { RecordedEntry, Recording } from "../utils/playback.js";

const recordings = sharedRecordingsDir();
const endpoint = "https://myregistry.azurecr.io";
const repositoryName = "library/hello-world";

/** The recordings' Entra token is sanitised; any token will do, the exchange is replayed. */
const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: "entra-token", expiresOnTimestamp: Date.now() + 3600_000 }),
};

interface Replay {
  client: ContainerRegistryClient;
  playback: PlaybackHttpClient;
  recording: Recording;
  /** Recorded successful response bodies of the non-auth requests, in order. */
  bodies: Array<Record<string, any>>;
}

const replayed = new Set<string>();

function replay(file: string, { anonymous = false, edit }: { anonymous?: boolean; edit?: (r: Recording) => void } = {}): Replay {
  replayed.add(file);
  const recording = loadRecording(path.join(recordings!, file));
  edit?.(recording);
  const playback = new PlaybackHttpClient(recording);
  const options: ContainerRegistryClientOptions = { httpClient: playback, retryOptions: { maxRetries: 0 } };
  const client = anonymous ? new ContainerRegistryClient(endpoint, options) : new ContainerRegistryClient(endpoint, credential, options);
  const bodies = recording.Entries.filter((e) => !e.RequestUri.includes("/oauth2/") && e.StatusCode < 300 && e.ResponseBody).map(
    (e) => e.ResponseBody as Record<string, any>,
  );
  return { client, playback, recording, bodies };
}

/** Bodies the recorded client sent with `method`, counting only the attempts that succeeded unless `all`. */
function requestBodies(recording: Recording, method: string, { all = false } = {}): unknown[] {
  return recording.Entries.filter((e: RecordedEntry) => e.RequestMethod === method && (all || e.StatusCode < 300)).map((e) => e.RequestBody);
}

/**
 * This library filters an artifact's tags by its digest (`?digest=`), which the official client that
 * made these recordings did not send. Every tag in the recordings points at the same digest, so the
 * recorded answers are what the filtered request returns: add the parameter to the first request.
 */
function withDigestFilter(digest: string) {
  return (recording: Recording): void => {
    for (const entry of recording.Entries) {
      if (entry.RequestUri.includes("/_tags?") && entry.RequestUri.includes("api-version")) {
        entry.RequestUri += `&digest=${encodeURIComponent(digest)}`;
      }
    }
  };
}

/** The digest of the tags in a recording's last tag listing. */
function lastTagDigest(file: string): string {
  const body = loadRecording(path.join(recordings!, file)).Entries.at(-1)!.ResponseBody as { tags: Array<{ digest: string }> };
  return body.tags[0]!.digest;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const attributes = (b: Record<string, any>) => ({
  canDelete: b.changeableAttributes.deleteEnabled,
  canWrite: b.changeableAttributes.writeEnabled,
  canList: b.changeableAttributes.listEnabled,
  canRead: b.changeableAttributes.readEnabled,
});

describe.skipIf(!recordings)("recorded ACR sessions: metadata and authentication", () => {
  describe("anonymous_access_tests", () => {
    it("lists repositories anonymously", async () => {
      const { client, playback, bodies } = replay("anonymous_access_tests/recording_should_list_repositories_with_anonymous_access.json", { anonymous: true });
      expect(await collect(client.listRepositoryNames())).toEqual(bodies[0]!.repositories);
      playback.assertAllConsumed();
      const token = playback.requests.find((r) => r.url.includes("/oauth2/token"))!;
      expect(new URLSearchParams(token.body.toString()).get("grant_type")).toBe("password");
    });

    it("refuses to set properties anonymously with a RestError carrying ACR's code", async () => {
      const { client, playback, recording } = replay("anonymous_access_tests/recording_should_throw_error_setting_properties_with_anonymous_access.json", { anonymous: true });
      const error = await client.getRepository(repositoryName).updateProperties({ canDelete: false }).catch((e: unknown) => e);
      expect(isRestError(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: 401, code: "UNAUTHORIZED" });
      expect((error as Error).message).toContain("authentication required");
      playback.assertAllConsumed();
      const patch = playback.requests.filter((r) => r.method === "PATCH");
      expect(patch.map((r) => JSON.parse(r.body.toString()))).toEqual(requestBodies(recording, "PATCH", { all: true }));
    });
  });

  describe("containerregistryclient_tests", () => {
    it("deletes a repository (already gone: 404 is success) and lists the rest", async () => {
      const { client, playback, bodies } = replay("containerregistryclient_tests/recording_deletes_repository_of_given_name.json");
      await client.deleteRepository("library/busybox");
      const names = await collect(client.listRepositoryNames());
      expect(names).toEqual(bodies.at(-1)!.repositories);
      expect(names).not.toContain("library/busybox");
      playback.assertAllConsumed();
    });

    it("lists repositories", async () => {
      const { client, playback, bodies } = replay("containerregistryclient_tests/recording_should_list_repositories.json");
      expect(await collect(client.listRepositoryNames())).toEqual(bodies[0]!.repositories);
      playback.assertAllConsumed();
    });

    it("lists repositories by pages, following rel=next", async () => {
      const { client, playback, bodies } = replay("containerregistryclient_tests/recording_should_list_repositories_by_pages.json");
      const pages = await collect(client.listRepositoryNames().byPage({ maxPageSize: 1 }));
      expect(pages.map((p) => [...p])).toEqual(bodies.map((b) => b.repositories));
      expect(pages[0]!.continuationToken).toBe("/acr/v1/_catalog?last=library%2Fhello-world&n=1&orderby=");
      playback.assertAllConsumed();
    });

    it("resumes listing repositories from a continuation token", async () => {
      const { client, playback, bodies } = replay("containerregistryclient_tests/recording_should_list_repositories_by_pages_with_continuationtoken.json");
      const iterator = client.listRepositoryNames().byPage({ continuationToken: "/acr/v1/_catalog?last=busybox&n=1&orderby=" });
      const page = (await iterator.next()).value as string[];
      expect([...page]).toEqual(bodies[0]!.repositories);
      playback.assertAllConsumed();
    });
  });

  describe("repository_and_artifact_tests", () => {
    it("deletes a tag, after which it is unknown", async () => {
      const { client, playback } = replay("repository_and_artifact_tests/recording_deletes_a_given_tag.json");
      const artifact = client.getArtifact(repositoryName, "test-delete");
      await artifact.deleteTag("test-delete");
      const error = await artifact.getTagProperties("test-delete").catch((e: unknown) => e);
      expect(error).toMatchObject({ statusCode: 404, code: "TAG_UNKNOWN" });
      playback.assertAllConsumed();
    });

    for (const [kind, file] of [
      ["repository", "recording_sets_repository_properties.json"],
      ["manifest", "recording_sets_manifest_properties.json"],
      ["tag", "recording_sets_tag_properties.json"],
    ] as const) {
      it(`gets and sets ${kind} properties`, async () => {
        const { client, playback, recording, bodies } = replay(`repository_and_artifact_tests/${file}`);
        const patches = requestBodies(recording, "PATCH") as Array<Record<string, boolean>>;
        const toOptions = (p: Record<string, boolean>) => ({ canDelete: p.deleteEnabled, canWrite: p.writeEnabled, canList: p.listEnabled, canRead: p.readEnabled });
        let results: WritableRegistryItemProperties[];
        if (kind === "repository") {
          const repository = client.getRepository(repositoryName);
          results = [await repository.getProperties()];
          for (const patch of patches) results.push(await repository.updateProperties(toOptions(patch)));
        } else if (kind === "manifest") {
          const artifact = client.getArtifact(repositoryName, bodies[0]!.manifest.digest);
          results = [await artifact.getManifestProperties()];
          for (const patch of patches) results.push(await artifact.updateManifestProperties(toOptions(patch)));
        } else {
          const artifact = client.getArtifact(repositoryName, "test1");
          results = [await artifact.getTagProperties("test1")];
          for (const patch of patches) results.push(await artifact.updateTagProperties("test1", toOptions(patch)));
        }
        const inner = (b: Record<string, any>) => (kind === "repository" ? b : b[kind]);
        expect(results.map((r) => ({ canDelete: r.canDelete, canWrite: r.canWrite, canList: r.canList, canRead: r.canRead }))).toEqual(
          bodies.map((b) => attributes(inner(b))),
        );
        expect(patches.map((p) => Object.values(p).every((v) => v === false))).toEqual([true, false]); // locked, then unlocked
        const sent = playback.requests.filter((r) => r.method === "PATCH" && r.headers.authorization).map((r) => JSON.parse(r.body.toString()));
        expect(sent.slice(-2)).toEqual(patches);
        playback.assertAllConsumed();
      });
    }

    it("lists manifests with their platforms", async () => {
      const { client, playback, bodies } = replay("repository_and_artifact_tests/recording_should_list_registry_manifests.json");
      const manifests = await collect(client.getRepository(repositoryName).listManifestProperties());
      const recorded = bodies[0]!.manifests as Array<Record<string, any>>;
      expect(manifests.map((m) => m.digest)).toEqual(recorded.map((m) => m.digest));
      expect(manifests.map((m) => [m.architecture, m.operatingSystem, m.sizeInBytes, m.mediaType])).toEqual(
        recorded.map((m) => [m.architecture, m.os, m.imageSize, m.mediaType]),
      );
      expect(manifests.every((m) => m.repositoryName === repositoryName && m.registryLoginServer === bodies[0]!.registry)).toBe(true);
      expect(manifests[0]!.createdOn).toEqual(new Date(recorded[0]!.createdTime));
      playback.assertAllConsumed();
    });

    it("lists manifests by pages and resumes from a continuation token", async () => {
      const paged = replay("repository_and_artifact_tests/recording_should_list_registry_manifests_by_pages.json");
      const pages = [];
      for await (const page of paged.client.getRepository(repositoryName).listManifestProperties().byPage({ maxPageSize: 1 })) {
        pages.push(page);
        if (pages.length === paged.bodies.length) break; // the recording stops after two pages
      }
      expect(pages.map((p) => p.map((m) => m.digest))).toEqual(paged.bodies.map((b) => b.manifests.map((m: any) => m.digest)));
      paged.playback.assertAllConsumed();

      const resumed = replay("repository_and_artifact_tests/recording_should_list_registry_manifests_by_pages_with_continuationtoken.json");
      const recordedUrl = new URL(resumed.recording.Entries[0]!.RequestUri);
      const token = recordedUrl.pathname + recordedUrl.search; // what a previous page's continuationToken holds
      const iterator = resumed.client.getRepository(repositoryName).listManifestProperties().byPage({ continuationToken: token });
      const first = (await iterator.next()).value as ManifestPageResponse;
      expect(first.map((m) => m.digest)).toEqual(resumed.bodies[0]!.manifests.map((m: any) => m.digest));
      expect(first.continuationToken).toContain("last=sha256%3A1f11");
      resumed.playback.assertAllConsumed();
    });

    it("lists the tags of an artifact", async () => {
      const digest = lastTagDigest("repository_and_artifact_tests/recording_should_list_tags.json");
      const { client, playback, bodies } = replay("repository_and_artifact_tests/recording_should_list_tags.json", { edit: withDigestFilter(digest) });
      const tags = await collect(client.getArtifact(repositoryName, digest).listTagProperties());
      expect(tags.map((t) => [t.name, t.digest, t.createdOn.toISOString()])).toEqual(
        bodies[0]!.tags.map((t: any) => [t.name, t.digest, new Date(t.createdTime).toISOString()]),
      );
      playback.assertAllConsumed();
      expect(playback.requests.at(-1)!.url).toContain(`digest=${encodeURIComponent(digest)}`);
    });

    it("lists the tags of an artifact by pages and from a continuation token", async () => {
      const file = "repository_and_artifact_tests/recording_should_list_tags_by_pages.json";
      const digest = lastTagDigest(file);
      const paged = replay(file, { edit: withDigestFilter(digest) });
      const pages = [];
      for await (const page of paged.client.getArtifact(repositoryName, digest).listTagProperties().byPage({ maxPageSize: 1 })) {
        pages.push(page);
        if (pages.length === paged.bodies.length) break;
      }
      expect(pages.map((p) => p.length)).toEqual([1, 1]);
      expect(pages[0]!.continuationToken).toBe("/acr/v1/library%2Fhello-world/_tags?last=latest&n=1&orderby=");
      paged.playback.assertAllConsumed();

      const resumed = replay("repository_and_artifact_tests/recording_should_list_tags_by_pages_with_continuationtoken.json");
      const page = (await resumed.client
        .getArtifact(repositoryName, digest)
        .listTagProperties()
        .byPage({ continuationToken: "/acr/v1/library%2Fhello-world/_tags?last=test-delete&n=1&orderby=" })
        .next()).value as TagPageResponse;
      expect(page.map((t) => t.digest)).toEqual(resumed.bodies[0]!.tags.map((t: any) => t.digest));
      resumed.playback.assertAllConsumed();
    });

    it("gets manifest properties by digest", async () => {
      const { client, playback, bodies } = replay("repository_and_artifact_tests/recording_should_retrive_registry_artifact_properties_for_a_digest.json");
      const recorded = bodies[0]!.manifest;
      const properties = await client.getArtifact(repositoryName, recorded.digest).getManifestProperties();
      expect(properties).toMatchObject({ digest: recorded.digest, repositoryName, registryLoginServer: bodies[0]!.registry, sizeInBytes: recorded.imageSize });
      playback.assertAllConsumed();
    });

    it("gets manifest properties by tag, resolving the tag first, with related artifacts", async () => {
      const { client, playback, bodies } = replay("repository_and_artifact_tests/recording_should_retrive_registry_artifact_properties_for_a_tag.json");
      const properties = await client.getArtifact(repositoryName, "test1").getManifestProperties();
      const recorded = bodies[1]!.manifest;
      expect(properties.digest).toBe(bodies[0]!.tag.digest);
      expect(properties.tags).toEqual(recorded.tags);
      expect(properties.mediaType).toBe("application/vnd.oci.image.index.v1+json");
      expect(properties.relatedArtifacts.map((a) => [a.digest, a.architecture, a.operatingSystem])).toEqual(
        recorded.references.map((r: any) => [r.digest, r.architecture, r.os]),
      );
      playback.assertAllConsumed();
    });

    it("gets tag properties", async () => {
      const { client, playback, bodies } = replay("repository_and_artifact_tests/recording_should_retrive_tag_properties.json");
      const properties = await client.getArtifact(repositoryName, "test1").getTagProperties("test1");
      const recorded = bodies[0]!.tag;
      expect(properties).toMatchObject({ name: recorded.name, digest: recorded.digest, repositoryName, ...attributes(recorded) });
      expect(properties.lastUpdatedOn).toEqual(new Date(recorded.lastUpdateTime));
      playback.assertAllConsumed();
    });
  });

  it("replayed every metadata and authentication recording", () => {
    const expected = listRecordings(recordings!)
      .map((file) => path.relative(recordings!, file))
      .filter((file) => !file.startsWith("containerregistrycontentclient"));
    expect(expected.length).toBeGreaterThanOrEqual(19);
    expect([...replayed].sort()).toEqual(expected.sort());
  });
});

describe.runIf(!recordings)("recorded ACR sessions", () => {
  it.skip(SHARED_RECORDINGS_ABSENT, () => undefined);
});
