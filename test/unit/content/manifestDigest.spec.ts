// What the library returns, it accepts: a registry's Docker-Content-Digest in uppercase hex comes
// back in canonical lowercase, so that getManifest(result.digest) works; one that is not a digest
// the client can verify is a typed error, not a RangeError that blames the caller.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContainerRegistryClient, ContainerRegistryContentClient, KnownManifestMediaType } from "../../../src/index.js";
import { json, scriptedClient } from "../fakes/scriptedClient.js";

const bytes = JSON.stringify({ schemaVersion: 2, mediaType: KnownManifestMediaType.OciImageIndex, manifests: [] });
const hex = createHash("sha256").update(bytes).digest("hex");
const digest = `sha256:${hex}`;

function clientAnnouncing(announced: string) {
  const httpClient = scriptedClient(() => ({ status: 200, headers: { "content-type": KnownManifestMediaType.OciImageIndex, "docker-content-digest": announced }, body: bytes }));
  return new ContainerRegistryContentClient("https://registry.test", "hello", { httpClient, retryOptions: { maxRetries: 0 } });
}

describe("digests a registry announces", () => {
  it("are returned in lowercase when announced in uppercase hex, and getManifest accepts them back", async () => {
    const client = clientAnnouncing(`sha256:${hex.toUpperCase()}`);
    const byTag = await client.getManifest("v1");
    expect(byTag.digest).toBe(digest);
    const byDigest = await client.getManifest(byTag.digest);
    expect(byDigest.digest).toBe(digest);
    await expect(client.deleteManifest(byTag.digest)).resolves.toBeUndefined();
  });

  for (const announced of ["sha256:xyz", "md5:abc", "not a digest"]) {
    it(`make "${announced}" an InvalidResponse RestError naming Docker-Content-Digest`, async () => {
      await expect(clientAnnouncing(announced).getManifest("v1")).rejects.toMatchObject({
        name: "RestError",
        code: "InvalidResponse",
        message: expect.stringMatching(/Docker-Content-Digest/),
      });
    });
  }

  it("from ACR's metadata API are returned in lowercase too, and getArtifact accepts them back", async () => {
    const times = { createdTime: "2024-01-01T00:00:00Z", lastUpdateTime: "2024-01-01T00:00:00Z" };
    const upper = `sha256:${hex.toUpperCase()}`;
    const httpClient = scriptedClient(() => json({ registry: "registry.test", imageName: "hello", tag: { name: "v1", digest: upper, ...times } }));
    const client = new ContainerRegistryClient("https://registry.test", { httpClient, retryOptions: { maxRetries: 0 } });
    const tag = await client.getArtifact("hello", "v1").getTagProperties("v1");
    expect(tag.digest).toBe(digest);
    expect(() => client.getArtifact("hello", tag.digest)).not.toThrow();
  });
});
