import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { MAX_MANIFEST_BYTES, manifestBytes, readCapped, resolveManifestMediaType } from "../../../src/content/manifests.js";
import { KnownManifestMediaType } from "../../../src/index.js";

const oci = { schemaVersion: 2, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: "sha256:0", size: 1 }, layers: [] };
const docker = {
  schemaVersion: 2,
  config: { mediaType: "application/vnd.docker.container.image.v1+json", digest: "sha256:0", size: 1 },
  layers: [],
};

describe("manifest size cap", () => {
  it("stops reading a stream as soon as it passes the limit, and destroys it", async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 65_536;
        this.push(Buffer.alloc(65_536));
      },
    });
    await expect(readCapped(endless, MAX_MANIFEST_BYTES, () => new RangeError("too big"))).rejects.toThrow("too big");
    expect(produced).toBeLessThan(MAX_MANIFEST_BYTES + 256 * 1024);
    expect(endless.destroyed).toBe(true);
  });

  it("reads a stream at the limit whole", async () => {
    const bytes = await readCapped(Readable.from([Buffer.alloc(MAX_MANIFEST_BYTES)]), MAX_MANIFEST_BYTES, () => new Error("no"));
    expect(bytes.length).toBe(MAX_MANIFEST_BYTES);
  });

  it("refuses manifests to push over 4 MiB", async () => {
    await expect(manifestBytes(Buffer.alloc(MAX_MANIFEST_BYTES + 1))).rejects.toBeInstanceOf(RangeError);
    await expect(manifestBytes(Readable.from([Buffer.alloc(MAX_MANIFEST_BYTES + 1)]))).rejects.toBeInstanceOf(RangeError);
  });

  it("serialises an object once, compactly, and keeps bytes exactly", async () => {
    expect((await manifestBytes(oci)).bytes.toString()).toBe(JSON.stringify(oci));
    const pretty = Buffer.from(JSON.stringify(oci, null, 3) + "\n");
    expect((await manifestBytes(pretty)).bytes.equals(pretty)).toBe(true);
    expect((await manifestBytes(Readable.from([pretty.subarray(0, 10), pretty.subarray(10)]))).bytes.equals(pretty)).toBe(true);
  });
});

describe("manifest media type", () => {
  const bytesOf = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

  it("takes the option first, then the manifest's mediaType field", () => {
    expect(resolveManifestMediaType(bytesOf(oci), undefined, "application/x-custom")).toBe("application/x-custom");
    const declared = { ...docker, mediaType: KnownManifestMediaType.DockerManifest };
    expect(resolveManifestMediaType(bytesOf(declared), undefined, undefined)).toBe(KnownManifestMediaType.DockerManifest);
    expect(resolveManifestMediaType(bytesOf(declared), declared, undefined)).toBe(KnownManifestMediaType.DockerManifest);
  });

  it("infers an OCI manifest or index from the shape", () => {
    expect(resolveManifestMediaType(bytesOf(oci), undefined, undefined)).toBe(KnownManifestMediaType.OciImageManifest);
    expect(resolveManifestMediaType(bytesOf({ schemaVersion: 2, manifests: [] }), undefined, undefined)).toBe(KnownManifestMediaType.OciImageIndex);
  });

  it("refuses a Docker manifest that does not say what it is", () => {
    expect(() => resolveManifestMediaType(bytesOf(docker), undefined, undefined)).toThrow(/mediaType option/);
    expect(() => resolveManifestMediaType(Buffer.from("not json"), undefined, undefined)).toThrow(/not JSON/);
  });

  it("refuses an option that contradicts the manifest's own mediaType", () => {
    const declared = { ...oci, mediaType: KnownManifestMediaType.OciImageManifest };
    expect(() => resolveManifestMediaType(bytesOf(declared), undefined, KnownManifestMediaType.DockerManifest)).toThrow(/contradicts/);
  });
});
