// The content client's manifest operations (src/content/manifestOperations.ts) against the in-process fake registry.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { DigestMismatchError, isRestError, KnownManifestMediaType, type OciImageManifest } from "../../../src/index.js";
import { fakeContentClient as setup, sha256 } from "../fakes/fakeRegistry.js";

const MiB = 1024 * 1024;
const manifest: OciImageManifest = {
  schemaVersion: 2,
  mediaType: KnownManifestMediaType.OciImageManifest,
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(Buffer.from("{}")), size: 2 },
  layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: sha256(Buffer.from("x")), size: 1, annotations: { "org.opencontainers.image.title": "x" } }],
};

describe("manifests", () => {
  it("round-trips a manifest object by digest and by tag, with its exact bytes", async () => {
    const { registry, client } = setup();
    const { digest } = await client.setManifest(manifest, { tag: "v1" });
    const bytes = Buffer.from(JSON.stringify(manifest));
    expect(digest).toBe(sha256(bytes));
    const put = registry.requests.find((r) => r.method === "PUT")!;
    expect(new URL(put.url).pathname).toBe("/v2/library/test/manifests/v1");
    expect(put.headers["content-type"]).toBe(KnownManifestMediaType.OciImageManifest);
    for (const reference of ["v1", digest]) {
      const result = await client.getManifest(reference);
      expect(result).toMatchObject({ digest, mediaType: KnownManifestMediaType.OciImageManifest, manifest });
      expect(result.content.equals(bytes)).toBe(true);
    }
    const get = registry.requests.find((r) => r.method === "GET")!;
    for (const type of Object.values(KnownManifestMediaType)) expect(get.headers.accept).toContain(type);
  });

  it("pushes by digest when no tag is given, keeping bytes exactly", async () => {
    const { registry, client } = setup();
    const pretty = Buffer.from(JSON.stringify(manifest, null, 2) + "\n");
    expect(await client.setManifest(pretty)).toEqual({ digest: sha256(pretty), sizeInBytes: pretty.length });
    expect(decodeURIComponent(new URL(registry.requests[0]!.url).pathname)).toBe(`/v2/library/test/manifests/${sha256(pretty)}`);
    expect(registry.manifests.get(sha256(pretty))?.bytes.equals(pretty)).toBe(true);
    expect(await client.setManifest(Readable.from([pretty]))).toEqual({ digest: sha256(pretty), sizeInBytes: pretty.length });
  });

  it("refuses a Docker manifest without a media type before sending anything, and pushes it with one", async () => {
    const { registry, client } = setup();
    const docker = { schemaVersion: 2, config: { mediaType: "application/vnd.docker.container.image.v1+json", digest: "sha256:0", size: 1 }, layers: [] };
    await expect(client.setManifest(docker)).rejects.toThrow(/mediaType/);
    expect(registry.requests).toHaveLength(0);
    await client.setManifest(docker, { mediaType: KnownManifestMediaType.DockerManifest });
    expect(registry.requests[0]!.headers["content-type"]).toBe(KnownManifestMediaType.DockerManifest);
  });

  it("fails with DigestMismatchError when the registry reports another digest for a pushed manifest", async () => {
    const { registry, client } = setup();
    const other = sha256(Buffer.from("other"));
    registry.handlers.push((request) => (request.method === "PUT" ? { status: 201, headers: { "docker-content-digest": other } } : undefined));
    await expect(client.setManifest(manifest)).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it("fails with DigestMismatchError when fetched content does not match the requested digest", async () => {
    const { registry, client } = setup();
    const { digest } = await client.setManifest(manifest);
    const tampered = Buffer.from(JSON.stringify({ ...manifest, layers: [] }));
    registry.handlers.push((request) =>
      request.method === "GET" ? { status: 200, headers: { "content-type": manifest.mediaType!, "docker-content-digest": digest }, body: tampered } : undefined,
    );
    const failure = await client.getManifest(digest).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DigestMismatchError);
    expect(failure).toMatchObject({ expectedDigest: digest, actualDigest: sha256(tampered) });
  });

  it("fails with DigestMismatchError when fetched content by tag contradicts Docker-Content-Digest", async () => {
    const { registry, client } = setup();
    registry.handlers.push(() => ({
      status: 200,
      headers: { "content-type": manifest.mediaType!, "docker-content-digest": sha256(Buffer.from("other")) },
      body: JSON.stringify(manifest),
    }));
    await expect(client.getManifest("v1")).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it("refuses a manifest announced over 4 MiB without reading its body", async () => {
    const { registry, client } = setup();
    let read = 0;
    const body = new Readable({
      read() {
        read += 1;
        this.push(Buffer.alloc(65_536));
      },
    });
    registry.handlers.push(() => ({ status: 200, headers: { "content-type": manifest.mediaType!, "content-length": String(4 * MiB + 1) }, body }));
    await expect(client.getManifest("big")).rejects.toMatchObject({ code: "ManifestTooLarge" });
    expect(read).toBeLessThanOrEqual(1);
    expect(body.destroyed).toBe(true);
  });

  it("refuses a manifest over 4 MiB without a Content-Length by counting while reading", async () => {
    const { registry, client } = setup();
    let produced = 0;
    const body = new Readable({
      read() {
        produced += 65_536;
        this.push(Buffer.alloc(65_536, 0x20));
      },
    });
    registry.handlers.push(() => ({ status: 200, headers: { "content-type": manifest.mediaType! }, body }));
    await expect(client.getManifest("endless")).rejects.toMatchObject({ code: "ManifestTooLarge" });
    expect(produced).toBeLessThan(4 * MiB + 512 * 1024);
  });

  it("maps registry errors to RestErrors with the registry's code", async () => {
    const { client } = setup();
    const failure = await client.getManifest("missing").catch((e: unknown) => e);
    expect(isRestError(failure)).toBe(true);
    expect(failure).toMatchObject({ statusCode: 404, code: "MANIFEST_UNKNOWN" });
  });

  it("deletes manifests by digest (a missing one counts as deleted) and refuses a tag", async () => {
    const { registry, client } = setup();
    const { digest } = await client.setManifest(manifest);
    await client.deleteManifest(digest);
    await client.deleteManifest(sha256(Buffer.from("gone")));
    expect(registry.count("DELETE")).toBe(2);
    await expect(client.deleteManifest("latest")).rejects.toThrow(RangeError);
  });
});
