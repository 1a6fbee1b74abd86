// Testing your own code against the ACR emulator: this file is meant to be copied. The emulator
// starts once for the suite, on a free loopback port, in memory; it speaks the same HTTP as ACR
// (tokens included), so the clients run exactly as against Azure.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainerRegistryClient, ContainerRegistryContentClient, KnownManifestMediaType } from "@azure/container-registry";
import { startAcrEmulator, type AcrEmulator } from "@azure/container-registry/emulator";

describe("code that pushes to a registry", () => {
  let emulator: AcrEmulator;
  beforeAll(async () => {
    emulator = await startAcrEmulator();
  });
  afterAll(() => emulator?.close());

  it("pushes a tagged artifact that the registry then lists", async () => {
    // emulator.credential hands out the emulator's dev token where Azure would take an Entra ID token.
    const content = new ContainerRegistryContentClient(emulator.endpoint, "my/app", emulator.credential);
    const config = await content.uploadBlob(Buffer.from("{}"));
    await content.setManifest(
      {
        schemaVersion: 2,
        mediaType: KnownManifestMediaType.OciImageManifest,
        config: { mediaType: "application/vnd.oci.empty.v1+json", digest: config.digest, size: config.sizeInBytes },
        layers: [],
      },
      { tag: "v1" },
    );

    const client = new ContainerRegistryClient(emulator.endpoint, emulator.credential);
    const repositories: string[] = [];
    for await (const name of client.listRepositoryNames()) repositories.push(name);
    expect(repositories).toEqual(["my/app"]);
    const tags: string[] = [];
    for await (const tag of client.getArtifact("my/app", "v1").listTagProperties()) tags.push(tag.name);
    expect(tags).toEqual(["v1"]);

    // The request log shows what was sent (method, path, status; never headers or bodies), and
    // snapshot() the registry's contents; seed() sets them up front.
    expect(emulator.countRequests({ method: "PUT", path: /^\/v2\/my\/app\/manifests\// })).toBe(1);
    expect((await emulator.snapshot()).repositories.map((repository) => repository.tags?.map((tag) => tag.name))).toEqual([["v1"]]);
  });
});
