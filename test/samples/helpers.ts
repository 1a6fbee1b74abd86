// Runs samples the way users do: as separate Node processes configured by environment only.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AcrEmulator, BlobState, ManifestState, RepositoryState, TagState } from "../../src/emulator/index.js";

export const repositoryRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Every sample; sources.spec.ts checks that the folder holds no other. */
export const SAMPLE_NAMES = [
  "quickstart",
  "listRepositories",
  "listTagsAnonymously",
  "setImageProperties",
  "deleteImages",
  "uploadDownloadBlob",
  "uploadDownloadImage",
  "uploadCustomManifest",
  "deleteBlobAndManifest",
  "anyRegistry",
] as const;
export type SampleName = (typeof SAMPLE_NAMES)[number];

export type SampleLanguage = "typescript" | "javascript";
export const LANGUAGES: SampleLanguage[] = ["typescript", "javascript"];

export interface SampleRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** stdout split into lines, for `toContain` / `toEqual` on whole lines. */
  lines: string[];
}

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Only what the tests set may reach a sample: no Azure credentials or registry settings of the machine. */
function sampleEnvironment(variables: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !/^(AZURE_|IDENTITY_|MSI_|IMDS_|CONTAINER_REGISTRY_)/.test(name));
  return { ...Object.fromEntries(inherited), ...variables };
}

/** The environment a sample needs to run against the emulator with `new DefaultAzureCredential()`. */
export function emulatorVariables(emulator: AcrEmulator, variables: Record<string, string> = {}): Record<string, string> {
  return { ...emulator.managedIdentityEnvironment, CONTAINER_REGISTRY_ENDPOINT: emulator.endpoint, ...variables };
}

/**
 * Runs a sample (TypeScript through tsx, JavaScript with plain node) against the built package.
 * Asynchronously: an emulator in this process must keep serving while the sample runs.
 */
export function runSample(language: SampleLanguage, name: SampleName, variables: Record<string, string>): Promise<SampleRun> {
  const args =
    language === "typescript"
      ? ["--import", tsxLoader, path.join(repositoryRoot, "samples/v1/typescript/src", `${name}.ts`)]
      : [path.join(repositoryRoot, "samples/v1/javascript", `${name}.js`)];
  return runProcess(process.execPath, args, variables);
}

/** Runs a command in the repository with the given variables on top of a cleaned environment. */
export function runProcess(command: string, args: string[], variables: Record<string, string> = {}): Promise<SampleRun> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: repositoryRoot, env: sampleEnvironment(variables), encoding: "utf8", timeout: 45_000 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ exitCode, stdout, stderr, lines: stdout.split("\n").filter((line) => line !== "") });
    });
  });
}

export const digestOf = (content: string): string => `sha256:${createHash("sha256").update(content).digest("hex")}`;

/**
 * A repository of `count` single-config images tagged `v0`...`v<count-1>`, one pushed per day
 * (oldest first), so ordering by last update is unambiguous.
 */
export function repositoryWithImages(name: string, count: number): RepositoryState {
  const blobs: BlobState[] = [];
  const manifests: ManifestState[] = [];
  const tags: TagState[] = [];
  for (let i = 0; i < count; i++) {
    const config = JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] }, image: i });
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: digestOf(config), size: Buffer.byteLength(config) },
      layers: [],
    });
    const time = new Date(Date.UTC(2026, 0, 1 + i)).toISOString();
    blobs.push({ content: config });
    manifests.push({ content: manifest, createdTime: time, lastUpdateTime: time });
    tags.push({ name: `v${i}`, digest: digestOf(manifest), createdTime: time, lastUpdateTime: time });
  }
  return { name, blobs, manifests, tags };
}
