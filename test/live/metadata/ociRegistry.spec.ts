// The metadata client against a plain OCI distribution registry: ACR's /acr/v1 API is absent there,
// so repository listing falls back to the OCI catalog, with the same paging contract.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainerRegistryClient, isRestError } from "../../../src/index.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../../utils/registry.js";

/** Pushes a minimal image (config blob + manifest) with plain fetch, so this suite depends only on the registry. */
async function pushImage(endpoint: string, repository: string, tag: string): Promise<void> {
  const config = Buffer.from(JSON.stringify({ repository, tag }));
  const digest = `sha256:${createHash("sha256").update(config).digest("hex")}`;
  const session = await fetch(`${endpoint}/v2/${repository}/blobs/uploads/`, { method: "POST" });
  const location = new URL(session.headers.get("location")!, endpoint);
  location.searchParams.set("digest", digest);
  const upload = await fetch(location, { method: "PUT", body: config });
  expect(upload.status).toBe(201);
  const manifest = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest, size: config.length },
    layers: [],
  };
  const put = await fetch(`${endpoint}/v2/${repository}/manifests/${tag}`, {
    method: "PUT",
    headers: { "Content-Type": manifest.mediaType },
    body: JSON.stringify(manifest),
  });
  expect(put.status).toBe(201);
}

describe.skipIf(!distributionRegistryAvailable())("metadata client against the CNCF distribution registry", () => {
  let registry: RunningRegistry;
  const repositories = ["alpha", "beta/one", "beta/two", "gamma", "zeta"];

  beforeAll(async () => {
    registry = await startDistributionRegistry();
    for (const name of repositories) await pushImage(registry.endpoint, name, "v1");
  });
  afterAll(() => registry?.stop());

  it("lists repositories through the OCI catalog over plain http on loopback", async () => {
    const client = new ContainerRegistryClient(registry.endpoint);
    const names: string[] = [];
    for await (const name of client.listRepositoryNames()) names.push(name);
    expect(names).toEqual(repositories);
  });

  it("pages the OCI catalog with Link headers, and resumes from a token in a new client", async () => {
    const client = new ContainerRegistryClient(registry.endpoint);
    const first = (await client.listRepositoryNames().byPage({ maxPageSize: 2 }).next()).value!;
    expect([...first]).toEqual(["alpha", "beta/one"]);
    expect(first.continuationToken).toMatch(/^\/v2\/_catalog\?/);

    const other = new ContainerRegistryClient(registry.endpoint);
    const rest: string[] = [];
    for await (const page of other.listRepositoryNames().byPage({ continuationToken: first.continuationToken })) rest.push(...page);
    expect(rest).toEqual(repositories.slice(2));
  });

  it("fails ACR-only operations with a RestError UNSUPPORTED that says the registry has no ACR metadata API", async () => {
    const client = new ContainerRegistryClient(registry.endpoint);
    const repository = client.getRepository("alpha");
    const artifact = client.getArtifact("alpha", "v1");
    const operations: Array<[string, () => Promise<unknown>]> = [
      ["getProperties", () => repository.getProperties()],
      ["updateProperties", () => repository.updateProperties({ canDelete: false })],
      ["listManifestProperties", () => repository.listManifestProperties().next()],
      ["getTagProperties", () => artifact.getTagProperties("v1")],
      ["listTagProperties", () => artifact.listTagProperties().next()],
      ["deleteTag", () => artifact.deleteTag("v1")],
    ];
    for (const [name, operation] of operations) {
      const error = await operation().then(
        () => new Error(`${name} succeeded`),
        (e: unknown) => e,
      );
      expect(isRestError(error), name).toBe(true);
      expect(error, name).toMatchObject({ code: "UNSUPPORTED", statusCode: 404 });
      expect((error as Error).message, name).toContain(`The registry at ${registry.endpoint} has no ACR metadata API`);
    }
  });

  it("does not report a deleteRepository as done where the registry cannot delete repositories: the repository stays", async () => {
    const client = new ContainerRegistryClient(registry.endpoint);
    await expect(client.deleteRepository("gamma")).rejects.toMatchObject({ code: "UNSUPPORTED", statusCode: 404 });
    const names: string[] = [];
    for await (const name of client.listRepositoryNames()) names.push(name);
    expect(names).toContain("gamma");
    expect((await fetch(`${registry.endpoint}/v2/gamma/tags/list`).then((r) => r.json())) as unknown).toEqual({ name: "gamma", tags: ["v1"] });
  });
});
