// Every sample, in TypeScript and in JavaScript, as a child process against its own ACR emulator:
// unchanged code, configured by environment, authenticating with `new DefaultAzureCredential()`
// through the emulator's managed identity endpoint. The samples import the built package (dist/).
import { writeFileSync } from "node:fs";
import { describe, it, type ExpectStatic } from "vitest";
import { writeDockerConfig } from "../utils/dockerConfig.js";
import { startAcrEmulator, type AcrEmulator, type AcrEmulatorOptions, type EmulatorState, type RepositoryState } from "../../src/emulator/index.js";
import { digestOf, emulatorVariables, LANGUAGES, repositoryWithImages, runSample, type SampleLanguage, type SampleName, type SampleRun } from "./helpers.js";

interface Scenario {
  options?: AcrEmulatorOptions;
  seed?: EmulatorState;
  /** Defaults to the endpoint and managed identity variables only. */
  variables?: (emulator: AcrEmulator) => Record<string, string>;
  check(run: SampleRun, emulator: AcrEmulator, expect: ExpectStatic): Promise<void> | void;
}

async function repository(emulator: AcrEmulator, name: string): Promise<RepositoryState | undefined> {
  return (await emulator.snapshot()).repositories.find((entry) => entry.name === name);
}

/** v0 (oldest) to v4 (newest), v1 locked against deletion. */
const imagesToCleanUp = repositoryWithImages("library/hello-world", 5);
imagesToCleanUp.manifests![1]!.changeableAttributes = { deleteEnabled: false };

const SCENARIOS: Record<SampleName, Scenario> = {
  quickstart: {
    async check(run, emulator, expect) {
      expect(run.lines[0]).toBe("Pushed samples/quickstart:v1");
      expect(run.lines).toContain("Repositories: samples/quickstart");
      expect(run.lines).toContain("  locked: canWrite=false canDelete=false");
      expect(run.lines).toContain("  delete refused: 405 REGISTRY_DISALLOWED_OPERATION");
      expect(run.lines).toContain("  unlocked: canWrite=true canDelete=true");
      expect(run.stdout).toMatch(/^Pulled samples\/quickstart:v1: manifest sha256:[0-9a-f]{12}… and 2 blobs \(\d+ B\), digests verified$/m);
      expect(run.lines.at(-1)).toMatch(/^Deleted samples\/quickstart@sha256:[0-9a-f]{12}…$/);
      expect((await repository(emulator, "samples/quickstart"))?.manifests).toEqual([]);
    },
  },

  listRepositories: {
    seed: { repositories: [repositoryWithImages("app", 1), repositoryWithImages("library/hello-world", 2), repositoryWithImages("tools/cli", 3)] },
    check(run, _emulator, expect) {
      expect(run.lines).toEqual([
        "app: 1 manifests, 1 tags",
        "library/hello-world: 2 manifests, 2 tags",
        "tools/cli: 3 manifests, 3 tags",
        "page 1: app, library/hello-world (more follow)",
        "page 2: tools/cli",
      ]);
    },
  },

  listTagsAnonymously: {
    // ACR gives anonymous callers metadata_read (the Python SDK's recorded anonymous tests list tags
    // and manifests); the emulator's token service grants them only pull and catalog.
    options: { anonymousPull: true },
    seed: { repositories: [repositoryWithImages("library/hello-world", 3)] },
    // No credential of any kind: only the anonymous endpoint.
    variables: (emulator) => ({ CONTAINER_REGISTRY_ANONYMOUS_ENDPOINT: emulator.endpoint }),
    check(run, _emulator, expect) {
      expect(run.lines[0]).toBe("repository library/hello-world");
      expect(run.lines.slice(1).map((line) => /: (v\d),/.exec(line)?.[1])).toEqual(["v2", "v1", "v0"]);
    },
  },

  setImageProperties: {
    seed: { repositories: [repositoryWithImages("library/hello-world", 1)] },
    variables: (emulator) => emulatorVariables(emulator, { CONTAINER_REGISTRY_TAG: "v0" }),
    async check(run, emulator, expect) {
      expect(run.lines[0]).toMatch(/^library\/hello-world:v0 is sha256:[0-9a-f]{64}, linux\/amd64, tags v0$/);
      expect(run.lines.slice(1)).toEqual([
        "  image: canWrite=true canDelete=true; tag: canList=true",
        "  changed to image: canWrite=false canDelete=false; tag: canList=false",
        "  restored image: canWrite=true canDelete=true; tag: canList=true",
      ]);
      // The sample leaves the image as it found it.
      const state = await repository(emulator, "library/hello-world");
      expect(state?.manifests?.[0]?.changeableAttributes).toMatchObject({ writeEnabled: true, deleteEnabled: true });
      expect(state?.tags?.[0]?.changeableAttributes).toMatchObject({ listEnabled: true });
    },
  },

  deleteImages: {
    seed: { repositories: [imagesToCleanUp] },
    variables: (emulator) => emulatorVariables(emulator, { CONTAINER_REGISTRY_IMAGES_TO_KEEP: "2" }),
    async check(run, emulator, expect) {
      expect(run.lines.map((line) => `${line.split(" ")[0]} ${line.split(" ").at(-1)}`)).toEqual([
        "kept v4",
        "kept v3",
        "deleted v2",
        "locked v1",
        "deleted v0",
      ]);
      const tags = (await repository(emulator, "library/hello-world"))?.tags?.map((tag) => tag.name).sort();
      expect(tags).toEqual(["v1", "v3", "v4"]);
    },
  },

  uploadDownloadBlob: {
    async check(run, emulator, expect) {
      expect(run.lines[0]).toBe(`Uploaded 17 B from memory as ${digestOf("Hello, registry!\n")}`);
      expect(run.stdout).toMatch(/^Uploaded 8890 B from a stream as sha256:[0-9a-f]{64}$/m);
      expect(run.lines).toContain("  the registry has it: 8890 B");
      expect(run.lines.at(-1)).toBe("Downloaded 8890 B to blob.txt, digest verified; last line: line 999");
      expect((await repository(emulator, "samples/blobs"))?.blobs).toHaveLength(2);
    },
  },

  uploadDownloadImage: {
    async check(run, emulator, expect) {
      const pushed = /^Pushed samples\/image:v1 as (sha256:[0-9a-f]{64})$/m.exec(run.stdout)?.[1];
      expect(pushed).toBeDefined();
      expect(run.lines).toContain(`Pulled samples/image:v1: application/vnd.oci.image.manifest.v1+json, ${pushed}`);
      expect(run.lines).toContain("  config: linux/amd64");
      expect(run.lines.filter((line) => line.endsWith("B unpacked), diff_id verified"))).toHaveLength(2);
      expect((await repository(emulator, "samples/image"))?.tags).toEqual([expect.objectContaining({ name: "v1", digest: pushed })]);
    },
  },

  uploadCustomManifest: {
    async check(run, emulator, expect) {
      expect(run.lines[0]).toMatch(/^Pushed samples\/manifests:notes, application\/vnd.example.release-notes.v1, as sha256:/);
      expect(run.lines.slice(-2)).toEqual([expect.stringMatching(/^ {2}linux\/amd64: sha256:/), expect.stringMatching(/^ {2}linux\/arm64: sha256:/)]);
      const state = await repository(emulator, "samples/manifests");
      expect(state?.tags?.map((tag) => tag.name).sort()).toEqual(["multi-platform", "notes"]);
      expect(state?.manifests).toHaveLength(4);
    },
  },

  deleteBlobAndManifest: {
    async check(run, emulator, expect) {
      expect(run.lines[0]).toBe("Pushed samples/delete:scratch");
      expect(run.lines.filter((line) => line.endsWith("still there? false"))).toHaveLength(2);
      expect(run.lines.at(-1)).toBe("samples/delete:scratch is gone: 404 MANIFEST_UNKNOWN");
      const state = await repository(emulator, "samples/delete");
      expect(state?.manifests ?? []).toEqual([]);
      expect(state?.blobs ?? []).toEqual([]);
    },
  },

  anyRegistry: {
    // What `az acr login` leaves in Docker's config: the sample authenticates with its identity token.
    variables: (emulator) => {
      const config = writeDockerConfig();
      writeFileSync(config.configPath, JSON.stringify(emulator.dockerLoginConfig()));
      const host = new URL(emulator.endpoint).host;
      return { CONTAINER_REGISTRY_IMAGE: `${host}/samples/hello:v1`, CONTAINER_REGISTRY_ENDPOINT: emulator.endpoint, DOCKER_CONFIG: config.dir };
    },
    async check(run, emulator, expect) {
      const host = new URL(emulator.endpoint).host;
      const digest = new RegExp(`^Pushed ${host}/samples/hello:v1 as (sha256:[0-9a-f]{64})$`).exec(run.lines[0] ?? "")?.[1];
      expect(run.lines[1]).toBe(`Pulled ${digest}: Hello from ${host}`);
      expect((await repository(emulator, "samples/hello"))?.tags?.map((tag) => tag.name)).toEqual(["v1"]);
      expect(emulator.countRequests({ method: "POST", path: "/oauth2/token" })).toBeGreaterThan(0);
      expect(emulator.countRequests({ path: "/oauth2/exchange" })).toBe(0);
    },
  },
};

async function runScenario(language: SampleLanguage, name: SampleName, scenario: Scenario, options: AcrEmulatorOptions | undefined, expect: ExpectStatic) {
  const emulator = await startAcrEmulator(options);
  try {
    if (scenario.seed) await emulator.seed(scenario.seed);
    const run = await runSample(language, name, scenario.variables?.(emulator) ?? emulatorVariables(emulator));
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    await scenario.check(run, emulator, expect);
  } finally {
    await emulator.close();
  }
}

describe.concurrent.each(LANGUAGES)("%s samples against the ACR emulator", (language) => {
  for (const [name, scenario] of Object.entries(SCENARIOS) as [SampleName, Scenario][]) {
    it(name, ({ expect }) => runScenario(language, name, scenario, scenario.options, expect));
  }
});
