// The metadata clients end to end against the ACR emulator: real HTTP, real challenges and tokens.
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ContainerRegistryClient, isRestError, type ArtifactManifestProperties } from "../../../src/index.js";
import { startAcrEmulator, type AcrEmulator, type RepositoryState } from "../../../src/emulator/index.js";

const digestOf = (bytes: string) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/** A repository with `count` single-config images, tagged `v<i>`, pushed one minute apart. */
function repositoryWithImages(name: string, count: number, extraTags: Record<number, string[]> = {}): RepositoryState {
  const repository: Required<Pick<RepositoryState, "blobs" | "manifests" | "tags">> & RepositoryState = { name, blobs: [], manifests: [], tags: [] };
  for (let i = 0; i < count; i++) {
    const config = JSON.stringify({ architecture: i % 2 ? "arm64" : "amd64", os: "linux", image: i });
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: digestOf(config), size: config.length },
      layers: [],
    });
    const time = new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
    repository.blobs.push({ content: config });
    repository.manifests.push({ content: manifest, createdTime: time, lastUpdateTime: time });
    for (const tag of [`v${i}`, ...(extraTags[i] ?? [])]) repository.tags.push({ name: tag, digest: digestOf(manifest), createdTime: time });
  }
  return repository;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("metadata clients against the ACR emulator", () => {
  let emulator: AcrEmulator;
  let client: ContainerRegistryClient;

  // A fresh emulator and client (so token caches start empty) for every test: starting one takes milliseconds.
  beforeEach(async () => {
    emulator = await startAcrEmulator({ maxPageSize: 3 });
    await emulator.seed({
      repositories: [repositoryWithImages("library/hello", 4, { 3: ["latest"] }), repositoryWithImages("app", 1), repositoryWithImages("tools/cli", 2)],
    });
    client = new ContainerRegistryClient(emulator.endpoint, emulator.credential);
  });
  afterEach(() => emulator.close());

  it("lists every repository across the emulator's capped pages", async () => {
    const names = await collect(client.listRepositoryNames());
    expect(names).toEqual(expect.arrayContaining(["app", "library/hello", "tools/cli"]));
    expect(emulator.countRequests({ path: "/acr/v1/_catalog" })).toBeGreaterThan(1); // followed Link
  });

  it("costs one exchange and one token request for repeated calls on one scope", async () => {
    const repository = client.getRepository("library/hello");
    for (let i = 0; i < 10; i++) expect((await repository.getProperties()).tagCount).toBe(5);
    expect(emulator.countRequests({ path: "/oauth2/exchange" })).toBe(1);
    expect(emulator.countRequests({ path: "/oauth2/token" })).toBe(1);
    expect(emulator.requestLog.filter((e) => e.status === 401)).toHaveLength(1);
  });

  it("lists manifests newest first and oldest first", async () => {
    const repository = client.getRepository("library/hello");
    const newest = await collect(repository.listManifestProperties({ order: "LastUpdatedOnDescending" }));
    const oldest = await collect(repository.listManifestProperties({ order: "LastUpdatedOnAscending" }));
    const times = (list: ArtifactManifestProperties[]) => list.map((m) => m.lastUpdatedOn.getTime());
    expect(newest).toHaveLength(4);
    expect(times(newest)).toEqual([...times(newest)].sort((a, b) => b - a));
    expect(oldest.map((m) => m.digest)).toEqual(newest.map((m) => m.digest).reverse());
    expect(newest[0]!.tags.sort()).toEqual(["latest", "v3"]);
    expect(newest[0]!.architecture).toBe("arm64");
    expect(newest[0]!.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
  });

  it("lists only the artifact's own tags", async () => {
    const tags = await collect(client.getArtifact("library/hello", "latest").listTagProperties({ order: "LastUpdatedOnAscending" }));
    expect(tags.map((t) => t.name).sort()).toEqual(["latest", "v3"]);
    expect(new Set(tags.map((t) => t.digest)).size).toBe(1);
  });

  it("reads manifest properties by tag, locks them (a delete is refused with 405), unlocks them and deletes the artifact", async () => {
    const artifact = client.getArtifact("library/hello", "v1");
    const properties = await artifact.getManifestProperties();
    expect(properties).toMatchObject({ repositoryName: "library/hello", canWrite: true, tags: ["v1"] });
    expect(artifact.fullyQualifiedReference).toBe(`${new URL(emulator.endpoint).host}/library/hello:v1`);

    const locked = await artifact.updateManifestProperties({ canWrite: false, canDelete: false });
    expect(locked).toMatchObject({ canWrite: false, canDelete: false, canRead: true, canList: true });
    const error = await artifact.delete().catch((e: unknown) => e);
    expect(isRestError(error) && error.statusCode).toBe(405);
    expect((error as { code?: string }).code).toBe("REGISTRY_DISALLOWED_OPERATION");
    await artifact.updateManifestProperties({ canDelete: true });
    await artifact.delete();
    expect((await client.getRepository("library/hello").getProperties()).manifestCount).toBe(3);
  });

  it("updates tag and repository attributes, leaving the others unchanged", async () => {
    const artifact = client.getArtifact("tools/cli", "v0");
    expect(await artifact.updateTagProperties("v0", { canList: false })).toMatchObject({ canList: false, canRead: true, canWrite: true });
    expect(await artifact.getTagProperties("v0")).toMatchObject({ canList: false });
    const repository = client.getRepository("tools/cli");
    expect(await repository.updateProperties({ canRead: false })).toMatchObject({ canRead: false, canDelete: true });
  });

  it("deletes tags, artifacts and repositories, resolving with nothing; deleting what is gone is not an error", async () => {
    const artifact = client.getArtifact("library/hello", "latest");
    await artifact.deleteTag("latest");
    await artifact.deleteTag("latest");
    const missing = await client.getArtifact("library/hello", "latest").getTagProperties("latest").catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 404, code: "TAG_UNKNOWN" });

    expect(await client.deleteRepository("app")).toBeUndefined();
    expect(await client.getRepository("app").delete()).toBeUndefined();
    expect(await collect(client.listRepositoryNames())).not.toContain("app");
  });

  it("refuses bad arguments before sending anything: getRepository/getArtifact throw, a listing fails its first next()", async () => {
    expect(() => client.getRepository("Bad Name")).toThrow(RangeError);
    expect(() => client.getArtifact("library/hello", "sha256:xyz")).toThrow(RangeError);
    expect(() => client.getArtifact("library/hello", "")).toThrow(RangeError);
    await expect(client.getRepository("library/hello").listManifestProperties({ order: "Newest" as never }).next()).rejects.toThrow(RangeError);
    expect(emulator.requestLog).toHaveLength(0);
  });
});
