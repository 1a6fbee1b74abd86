// The samples of images and artifacts (repository tags, copies, platforms into OCI layouts,
// signatures), in TypeScript and JavaScript, against the ACR emulator and, for those that use only
// the OCI distribution API, the CNCF distribution registry (anonymous, no referrers API).
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, it, type ExpectStatic } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { ContainerRegistryContentClient, KnownManifestMediaType, type OciImageManifest } from "../../src/index.js";
import { makeTempDir } from "../utils/processCleanup.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../utils/registry.js";
import { emulatorVariables, LANGUAGES, repositoryWithImages, runSample, type SampleName, type SampleRun } from "./helpers.js";

/** Pushes one config-only image per platform and an index of them, tagged `multi-platform`; returns the images' digests. */
async function pushMultiPlatformImage(client: ContainerRegistryContentClient): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  const manifests = [];
  for (const architecture of ["amd64", "arm64"]) {
    const config = await client.uploadBlob(Buffer.from(JSON.stringify({ architecture, os: "linux", rootfs: { type: "layers", diff_ids: [] } })));
    const image: OciImageManifest = {
      schemaVersion: 2,
      mediaType: KnownManifestMediaType.OciImageManifest,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: config.sizeInBytes },
      layers: [],
    };
    const { digest, sizeInBytes } = await client.setManifest(image);
    digests[architecture] = digest;
    manifests.push({ mediaType: KnownManifestMediaType.OciImageManifest, digest, size: sizeInBytes, platform: { architecture, os: "linux" } });
  }
  await client.setManifest({ schemaVersion: 2, mediaType: KnownManifestMediaType.OciImageIndex, manifests }, { tag: "multi-platform" });
  return digests;
}

/** A registry a sample runs against: where it is, how samples reach it, a client of one of its repositories. */
interface Target {
  endpoint: string;
  variables: Record<string, string>;
  client(repository: string): ContainerRegistryContentClient;
}

interface Scenario {
  /** Prepares the registry; returns the sample's extra variables. */
  prepare?(target: Target, language: string): Promise<Record<string, string>>;
  check(run: SampleRun, target: Target, expect: ExpectStatic, language: string): Promise<void>;
}

type ArtifactSample = Extract<SampleName, "copyImage" | "pullPlatformToLayout" | "listSignatures">;

const SCENARIOS: Record<ArtifactSample, Scenario> = {
  copyImage: {
    async prepare(target, language) {
      const source = target.client(`${language}/source`);
      const config = await source.uploadBlob(Buffer.from(`{"architecture":"amd64","os":"linux","sample":"${language}"}`));
      const manifest = { schemaVersion: 2, mediaType: KnownManifestMediaType.OciImageManifest, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: config.sizeInBytes }, layers: [] };
      await source.setManifest(manifest, { tag: "v1" });
      return { CONTAINER_REGISTRY_SOURCE_ENDPOINT: target.endpoint, CONTAINER_REGISTRY_SOURCE_REPOSITORY: `${language}/source`, CONTAINER_REGISTRY_TAG: "v1" };
    },
    async check(run, target, expect, language) {
      const copied = new RegExp(`^Copied ${language}/source:v1 to mirror/${language}/source:v1 as (sha256:[0-9a-f]{64})$`, "m").exec(run.stdout)?.[1];
      expect(copied).toBe((await target.client(`${language}/source`).getManifest("v1")).digest);
      // Same registry: the config is mounted, not transferred.
      expect(run.lines).toContain("  blobs: 0 copied (0 B), 1 mounted, 0 already there");
      expect(run.lines.filter((line) => /^ {2}\[1\/1\] mounted sha256:/.test(line))).toHaveLength(1);
      expect((await target.client(`mirror/${language}/source`).getManifest("v1")).digest).toBe(copied);
    },
  },

  pullPlatformToLayout: {
    async prepare(target, language) {
      await pushMultiPlatformImage(target.client(`${language}/manifests`));
      return { CONTAINER_REGISTRY_REPOSITORY: `${language}/manifests`, CONTAINER_REGISTRY_LAYOUT: path.join(makeTempDir("acr-sample-layout-"), "layout") };
    },
    async check(run, target, expect, language) {
      const arm64 = (await target.client(`${language}/manifests`).getManifest("multi-platform", { platform: { os: "linux", architecture: "arm64" } })).digest;
      const pulled = new RegExp(`^Pulled ${language}/manifests:multi-platform for linux/arm64 into (.+): (sha256:[0-9a-f]{64})$`, "m").exec(run.stdout);
      expect(pulled?.[2]).toBe(arm64);
      const index = JSON.parse(readFileSync(path.join(pulled![1]!, "index.json"), "utf8"));
      expect(index.manifests).toMatchObject([{ digest: arm64, annotations: { "org.opencontainers.image.ref.name": "multi-platform" } }]);
      expect(run.lines.filter((line) => line.startsWith("  config ") && line.includes(`${path.sep}blobs${path.sep}sha256${path.sep}`))).toHaveLength(1);
      expect(run.lines.at(-1)).toBe("Tags in the layout: multi-platform");
    },
  },

  listSignatures: {
    async prepare(_target, language) {
      return { CONTAINER_REGISTRY_REPOSITORY: `${language}/signed` };
    },
    async check(run, target, expect, language) {
      const image = new RegExp(`^Pushed ${language}/signed:v1 as (sha256:[0-9a-f]{64})$`, "m").exec(run.stdout)?.[1];
      expect(image).toBeDefined();
      expect(run.lines.filter((line) => line.startsWith("  ")).map((line) => line.split(":")[0]).sort()).toEqual(["  application/spdx+json", "  application/vnd.cncf.notary.signature"]);
      const signature = /^ {2}application\/vnd\.cncf\.notary\.signature: (sha256:[0-9a-f]{64})$/m.exec(run.stdout)?.[1];
      expect(run.lines.at(-1)).toBe(`${language}/signed:v1 has 1 Notation signature(s): ${signature}`);
      const listed = [];
      for await (const referrer of target.client(`${language}/signed`).listReferrers(image!)) listed.push(referrer.digest);
      expect(listed).toContain(signature);
    },
  },
};

async function runScenario(name: ArtifactSample, target: Target, language: (typeof LANGUAGES)[number], expect: ExpectStatic): Promise<void> {
  const scenario = SCENARIOS[name];
  const extra = (await scenario.prepare?.(target, language)) ?? {};
  const run = await runSample(language, name, { ...target.variables, ...extra });
  expect(run.stderr).toBe("");
  expect(run.exitCode).toBe(0);
  await scenario.check(run, target, expect, language);
}

describe("artifact samples against the ACR emulator", () => {
  let emulator: AcrEmulator;
  let target: Target;
  beforeAll(async () => {
    // Anonymous pull for copyImage's source client, which reads without a credential.
    emulator = await startAcrEmulator({ anonymousPull: true });
    await emulator.seed({ repositories: [repositoryWithImages("library/hello-world", 3)] });
    target = { endpoint: emulator.endpoint, variables: emulatorVariables(emulator), client: (repository) => new ContainerRegistryContentClient(emulator.endpoint, repository, emulator.credential) };
  });
  afterAll(() => emulator?.close());

  describe.concurrent.each(LANGUAGES)("%s", (language) => {
    for (const name of Object.keys(SCENARIOS) as ArtifactSample[]) it(name, ({ expect }) => runScenario(name, target, language, expect));

    it("listRepositoryTags", async ({ expect }) => {
      const run = await runSample(language, "listRepositoryTags", target.variables);
      expect(run.stderr).toBe("");
      expect(run.lines.map((line) => /^library\/hello-world:(v\d) -> sha256:[0-9a-f]{12}…, updated /.exec(line)?.[1])).toEqual(["v2", "v1", "v0"]);
    });
  });
});

describe.skipIf(!distributionRegistryAvailable())("artifact samples against the CNCF distribution registry", () => {
  let registry: RunningRegistry;
  let target: Target;
  beforeAll(async () => {
    registry = await startDistributionRegistry();
    target = { endpoint: registry.endpoint, variables: { CONTAINER_REGISTRY_ENDPOINT: registry.endpoint, CONTAINER_REGISTRY_ANONYMOUS: "true" }, client: (repository) => new ContainerRegistryContentClient(registry.endpoint, repository) };
  });
  afterAll(() => registry?.stop());

  describe.concurrent.each(LANGUAGES)("%s", (language) => {
    for (const name of Object.keys(SCENARIOS) as ArtifactSample[]) it(name, ({ expect }) => runScenario(name, target, language, expect));
  });
});
