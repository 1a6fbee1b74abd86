// Fetched manifests are shape-checked where a caller (or the library) reads them: a field of the
// wrong type is an InvalidManifest RestError naming it, whatever the bytes hash to.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { ContainerRegistryContentClient, KnownManifestMediaType } from "../../../src/index.js";
import { scriptedClient } from "../fakes/scriptedClient.js";

const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;
const layer = { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: sha("layer"), size: 5 };
const config = { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha("{}"), size: 2 };
const good = { schemaVersion: 2, mediaType: KnownManifestMediaType.OciImageManifest, config, layers: [layer], futureField: { x: 1 } };

function fetch(manifest: unknown) {
  const bytes = JSON.stringify(manifest);
  const httpClient = scriptedClient(() => ({ status: 200, headers: { "content-type": KnownManifestMediaType.OciImageManifest, "docker-content-digest": sha(bytes) }, body: bytes }));
  return new ContainerRegistryContentClient("https://registry.test", "hello", { httpClient, retryOptions: { maxRetries: 0 } }).getManifest("v1");
}

describe("getManifest on manifests of every shape", () => {
  it("returns a well-formed manifest, unknown fields included, and a Docker schema 1 manifest as it is", async () => {
    expect((await fetch(good)).manifest).toEqual(good);
    const schema1 = { schemaVersion: 1, name: "hello", tag: "v1", fsLayers: [{ blobSum: sha("x") }], history: [] };
    expect((await fetch(schema1)).manifest).toEqual(schema1);
  });

  const hostile: Array<[string, unknown, RegExp]> = [
    ['layers: "nope"', { ...good, layers: "nope" }, /layers must be an array, got a string/],
    ["a layer without a size", { ...good, layers: [{ ...layer, size: undefined }] }, /layers\[0\]\.size is required/],
    ["a negative size", { ...good, layers: [{ ...layer, size: -1 }] }, /layers\[0\]\.size must be at least 0/],
    ["a digest in uppercase hex", { ...good, config: { ...config, digest: config.digest.toUpperCase().replace("SHA256", "sha256") } }, /config\.digest is malformed/],
    ["config: []", { ...good, config: [] }, /config must be an object, got an array/],
    ["an index entry whose platform has no os", { schemaVersion: 2, manifests: [{ ...layer, platform: { architecture: "amd64" } }] }, /manifests\[0\]\.platform\.os is required/],
    ["annotations that are not strings", { ...good, annotations: { "org.opencontainers.image.created": 2024 } }, /annotations\["org\.opencontainers\.image\.created"\] must be a string/],
    ["a JSON array", [good], /the body must be an object, got an array/],
  ];
  for (const [description, manifest, message] of hostile) {
    it(`fails with an InvalidManifest RestError naming the field for ${description}`, async () => {
      const error = await fetch(manifest).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ name: "RestError", code: "InvalidManifest" });
      expect((error as Error).message).toMatch(message);
    });
  }
});
