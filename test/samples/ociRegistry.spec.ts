// The samples that use only the OCI distribution API (the content client), in TypeScript and in
// JavaScript, against the CNCF distribution registry: anonymous, plain http on loopback
// (CONTAINER_REGISTRY_ANONYMOUS=true). Each run gets its own repository of one shared registry.
import { afterAll, beforeAll, describe, it, type ExpectStatic } from "vitest";
import { ContainerRegistryContentClient } from "../../src/index.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../utils/registry.js";
import { LANGUAGES, runSample, type SampleName, type SampleRun } from "./helpers.js";

type OciSample = Extract<SampleName, "uploadDownloadBlob" | "uploadDownloadImage" | "uploadCustomManifest" | "deleteBlobAndManifest">;

/** Checks of each sample's output, and of what it left in its repository. */
const CHECKS: Record<OciSample, (run: SampleRun, client: ContainerRegistryContentClient, expect: ExpectStatic) => Promise<void>> = {
  async uploadDownloadBlob(run, client, expect) {
    const streamed = /^Uploaded 8890 B from a stream as (sha256:[0-9a-f]{64})$/m.exec(run.stdout)?.[1];
    expect(run.lines.at(-1)).toBe("Downloaded 8890 B to blob.txt, digest verified; last line: line 999");
    expect(await client.getBlobProperties(streamed!)).toEqual({ digest: streamed, sizeInBytes: 8890 });
  },

  async uploadDownloadImage(run, client, expect) {
    const pushed = new RegExp(`^Pushed ${client.repositoryName}:v1 as (sha256:[0-9a-f]{64})$`, "m").exec(run.stdout)?.[1];
    expect(run.lines.filter((line) => line.endsWith("B unpacked), diff_id verified"))).toHaveLength(2);
    expect((await client.getManifest("v1")).digest).toBe(pushed);
  },

  async uploadCustomManifest(run, client, expect) {
    expect(run.lines.slice(-2)).toEqual([expect.stringMatching(/^ {2}linux\/amd64: sha256:/), expect.stringMatching(/^ {2}linux\/arm64: sha256:/)]);
    expect((await client.getManifest("notes")).manifest).toMatchObject({ artifactType: "application/vnd.example.release-notes.v1" });
  },

  async deleteBlobAndManifest(run, client, expect) {
    expect(run.lines.filter((line) => line.endsWith("still there? false"))).toHaveLength(2);
    expect(run.lines.at(-1)).toBe(`${client.repositoryName}:scratch is gone: 404 MANIFEST_UNKNOWN`);
    await expect(client.getManifest("scratch")).rejects.toMatchObject({ statusCode: 404 });
  },
};

describe.skipIf(!distributionRegistryAvailable())("OCI samples against the CNCF distribution registry", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startDistributionRegistry();
  });
  afterAll(() => registry?.stop());

  describe.concurrent.each(LANGUAGES)("%s", (language) => {
    for (const [name, check] of Object.entries(CHECKS) as [OciSample, (typeof CHECKS)[OciSample]][]) {
      it(name, async ({ expect }) => {
        const repository = `${language}/${name.toLowerCase()}`;
        const run = await runSample(language, name, {
          CONTAINER_REGISTRY_ENDPOINT: registry.endpoint,
          CONTAINER_REGISTRY_ANONYMOUS: "true",
          CONTAINER_REGISTRY_REPOSITORY: repository,
        });
        expect(run.stderr).toBe("");
        expect(run.exitCode).toBe(0);
        await check(run, new ContainerRegistryContentClient(registry.endpoint, repository), expect);
      });
    }
  });
});
