import { randomBytes } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../utils/processCleanup.js";
import { sha256Digest } from "../utils/recordingFormat.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../utils/registry.js";
import {
  dockerReference,
  OCI_MANIFEST,
  ociReference,
  readOciLayout,
  skopeoAvailable,
  skopeoCopy,
  writeOciLayout,
  type OciImageInput,
} from "../utils/skopeo.js";
import { send } from "./pipelineSend.js";

/** Fresh layer digests every run: skopeo's blob-info cache would otherwise turn pushes into mounts. */
function image(): OciImageInput {
  return {
    config: Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } })),
    layers: [gzipSync(randomBytes(3000)), gzipSync(randomBytes(70_000))],
    annotations: { "org.example.test": "skopeo" },
  };
}

describe("OCI image layouts", () => {
  it("round-trip through writeOciLayout and readOciLayout, which refuses a tag the layout lacks", async () => {
    const dir = makeTempDir("acr-test-layout-");
    const input = image();
    const written = await writeOciLayout(dir, input, "v1");
    expect(readdirSync(dir).sort()).toEqual(["blobs", "index.json", "oci-layout"]);
    expect(readdirSync(path.join(dir, "blobs", "sha256"))).toHaveLength(4);
    expect(JSON.parse(written.manifest.toString())).toMatchObject({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { digest: sha256Digest(input.config), size: input.config.length },
      annotations: input.annotations,
    });
    const read = await readOciLayout(dir, "v1");
    expect(read).toEqual(written);
    await expect(readOciLayout(dir, "other")).rejects.toThrow(/0 manifests match other/);
  });

  it("refuses a blob whose bytes do not match its digest", async () => {
    const dir = makeTempDir("acr-test-layout-");
    const input = image();
    await writeOciLayout(dir, input);
    writeFileSync(path.join(dir, "blobs", "sha256", sha256Digest(input.layers[0]!).slice(7)), "tampered");
    await expect(readOciLayout(dir)).rejects.toThrow(/does not match its descriptor/);
  });
});

describe.skipIf(!skopeoAvailable() || !distributionRegistryAvailable())(
  "skopeo against the distribution registry (needs skopeo and docker-registry)",
  () => {
    const registries: RunningRegistry[] = [];
    afterAll(() => Promise.all(registries.map((registry) => registry.stop())));

    async function roundTrip(registry: RunningRegistry, creds?: string): Promise<void> {
      const source = makeTempDir("acr-test-layout-");
      const written = await writeOciLayout(source, image(), "v1");
      const remote = dockerReference(registry.host, "interop/app", "v1");
      await skopeoCopy(ociReference(source, "v1"), remote, { destCreds: creds });

      const manifest = await send(`${registry.endpoint}/v2/interop/app/manifests/v1`, {
        headers: {
          Accept: OCI_MANIFEST,
          ...(creds && { Authorization: `Basic ${Buffer.from(creds).toString("base64")}` }),
        },
        tlsSettings: { ca: registry.caCert },
      });
      expect(manifest.status).toBe(200);
      expect(manifest.headers.get("docker-content-digest")).toBe(written.manifestDigest);
      expect(sha256Digest(Buffer.from(manifest.bodyAsText!))).toBe(written.manifestDigest);

      const copy = makeTempDir("acr-test-layout-");
      await skopeoCopy(remote, ociReference(copy, "pulled"), { srcCreds: creds });
      expect(await readOciLayout(copy, "pulled")).toEqual(written);
    }

    it("pushes an OCI layout and pulls it back byte for byte (http)", async () => {
      const registry = await startDistributionRegistry();
      registries.push(registry);
      await roundTrip(registry);
    });

    it("pushes and pulls back over https with Basic credentials, and is refused without them", async () => {
      const registry = await startDistributionRegistry({ tls: true, htpasswd: { user: "u", password: "p" } });
      registries.push(registry);
      await roundTrip(registry, "u:p");
      await expect(
        skopeoCopy(dockerReference(registry.host, "interop/app", "v1"), ociReference(makeTempDir("acr-test-layout-"), "x")),
      ).rejects.toThrow(/skopeo copy .* failed: .*(unauthorized|authentication required)/is);
    });
  },
);
