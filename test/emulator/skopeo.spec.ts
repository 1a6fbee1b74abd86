import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { digestOf, OCI_MANIFEST } from "./helpers.js";

const run = promisify(execFile);
const hasSkopeo = spawnSync("skopeo", ["--version"]).status === 0;

/** Writes an OCI image layout holding one image (a config and a gzipped layer) tagged v1. */
async function writeLayout(dir: string): Promise<Map<string, Buffer>> {
  const raw = randomBytes(64 * 1024);
  const layer = gzipSync(raw);
  const config = Buffer.from(
    JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [digestOf(raw)] } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: digestOf(config), size: config.length },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: digestOf(layer), size: layer.length }],
    }),
  );
  const blobs = new Map([config, layer, manifest].map((content) => [digestOf(content), content]));
  await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
  for (const [digest, content] of blobs) await writeFile(join(dir, "blobs", "sha256", digest.slice(7)), content);
  await writeFile(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  await writeFile(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { mediaType: OCI_MANIFEST, digest: digestOf(manifest), size: manifest.length, annotations: { "org.opencontainers.image.ref.name": "v1" } },
      ],
    }),
  );
  return blobs;
}

describe.skipIf(!hasSkopeo)("emulator: interop with skopeo (skipped when skopeo is not installed)", () => {
  let directory: string;
  let emulator: AcrEmulator;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "acr-emulator-skopeo-"));
    emulator = await startAcrEmulator({ authentication: false });
  });
  afterAll(async () => {
    await emulator.close();
    await rm(directory, { recursive: true, force: true });
  });

  async function roundTrip(target: AcrEmulator, repository: string, credentials: { push: string[]; pull: string[] }): Promise<void> {
    const source = join(directory, `${repository}-source`);
    const pulled = join(directory, `${repository}-pulled`);
    const blobs = await writeLayout(source);
    const reference = `docker://${new URL(target.endpoint).host}/${repository}:v1`;
    await run("skopeo", ["copy", "--dest-tls-verify=false", ...credentials.push, `oci:${source}:v1`, reference], { timeout: 60_000 });
    await run("skopeo", ["copy", "--src-tls-verify=false", ...credentials.pull, reference, `oci:${pulled}:v1`], { timeout: 60_000 });
    for (const [digest, content] of blobs) {
      expect((await readFile(join(pulled, "blobs", "sha256", digest.slice(7)))).equals(content), digest).toBe(true);
    }
  }

  it("pushes an OCI layout and pulls it back byte for byte (authentication off)", async () => {
    await roundTrip(emulator, "interop/open", { push: ["--dest-no-creds"], pull: ["--src-no-creds"] });
    expect(emulator.countRequests({ method: "PUT", operation: "manifest" })).toBe(1);
  });

  it("authenticates with the dev token as a Docker password", async () => {
    const secured = await startAcrEmulator();
    try {
      const creds = `00000000-0000-0000-0000-000000000000:${secured.devToken}`;
      await roundTrip(secured, "interop/secured", { push: ["--dest-creds", creds], pull: ["--src-creds", creds] });
    } finally {
      await secured.close();
    }
  });
});
