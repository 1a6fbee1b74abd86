// ContainerRepository.listTagProperties against recorded real ACR traffic: the official client's
// "list tags" recordings are exactly the repository-level call (`/acr/v1/<name>/_tags` without a
// digest filter), so they replay through it unedited.
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { ContainerRegistryClient } from "../../src/index.js";
import { loadRecording, PlaybackHttpClient, sharedRecordingsDir } from "../utils/playback.js";

const recordings = sharedRecordingsDir();
const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: "entra-token", expiresOnTimestamp: Date.now() + 3600_000 }),
};

function replay(file: string) {
  const recording = loadRecording(path.join(recordings!, "repository_and_artifact_tests", file));
  const playback = new PlaybackHttpClient(recording);
  const client = new ContainerRegistryClient("https://myregistry.azurecr.io", credential, { httpClient: playback, retryOptions: { maxRetries: 0 } });
  const tagBodies = recording.Entries.filter((entry) => entry.RequestUri.includes("/_tags") && entry.StatusCode === 200).map(
    (entry) => (entry.ResponseBody as { tags: Array<{ name: string; digest: string; lastUpdateTime: string }> }).tags,
  );
  return { repository: client.getRepository("library/hello-world"), playback, tagBodies };
}

describe.runIf(recordings)("ContainerRepository.listTagProperties on recorded ACR traffic", () => {
  it("lists every tag of the repository as the service answered, without a digest filter", async () => {
    const { repository, playback, tagBodies } = replay("recording_should_list_tags.json");
    const tags = [];
    for await (const tag of repository.listTagProperties()) tags.push(tag);
    expect(tags.map((tag) => [tag.name, tag.digest, tag.lastUpdatedOn.toISOString()])).toEqual(
      tagBodies[0]!.map((tag) => [tag.name, tag.digest, new Date(tag.lastUpdateTime).toISOString()]),
    );
    expect(tags[0]).toMatchObject({ repositoryName: "library/hello-world" });
    playback.assertAllConsumed();
    expect(playback.requests.every((request) => !new URL(request.url).searchParams.has("digest"))).toBe(true);
  });

  it("lists them by pages of the recorded size, following the service's Link", async () => {
    const { repository, playback, tagBodies } = replay("recording_should_list_tags_by_pages.json");
    const pages = [];
    for await (const page of repository.listTagProperties().byPage({ maxPageSize: 1 })) {
      pages.push(page.map((tag) => tag.name));
      if (pages.length === tagBodies.length) break; // the recording stops after two pages
    }
    expect(pages).toEqual(tagBodies.map((body) => body.map((tag) => tag.name)));
    playback.assertAllConsumed();
  });
});
