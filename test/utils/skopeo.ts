// skopeo as a peer client, and OCI image layout folders to feed it.
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { makeTempDir } from "./processCleanup.js";
import { sha256Digest } from "./recordingFormat.js";

const execFileAsync = promisify(execFile);
const SKOPEO_TIMEOUT_MS = 120_000;

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
// skopeo gzips layers it thinks are uncompressed: declare (and pass) gzipped ones.
export const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
const REF_NAME = "org.opencontainers.image.ref.name";

/** Whether skopeo is installed (interop suites skip without it). */
export function skopeoAvailable(): boolean {
  return spawnSync("skopeo", ["--version"]).status === 0;
}

let privateDir: string | undefined;

/** A trust policy, registries.d and temp folder of our own: no system configuration needed, even as root. */
function skopeoDir(): string {
  if (!privateDir) {
    const dir = makeTempDir("acr-test-skopeo-");
    writeFileSync(path.join(dir, "policy.json"), JSON.stringify({ default: [{ type: "insecureAcceptAnything" }] }));
    for (const sub of ["registries.d", "tmp"]) mkdirSync(path.join(dir, sub));
    privateDir = dir;
  }
  return privateDir;
}

export interface SkopeoCopyOptions {
  /** `user:password` for a `docker://` source. */
  srcCreds?: string;
  /** `user:password` for a `docker://` destination. */
  destCreds?: string;
  /** `--authfile`: a containers auth.json or Docker `config.json` (see writeDockerConfig) for both sides. */
  authFile?: string;
  /** `--src-cert-dir`: verify the source's TLS with the CAs there (see caCertDir); otherwise no verification. */
  srcCertDir?: string;
  /** `--dest-cert-dir`: the same for the destination. */
  destCertDir?: string;
  /** Variables added to skopeo's environment (e.g. a credential helper's PATH, `DOCKER_CONFIG`). */
  env?: Record<string, string>;
}

/** `oci:DIR:TAG` */
export function ociReference(dir: string, tag: string): string {
  return `oci:${dir}:${tag}`;
}

/** `docker://HOST/REPO:TAG` */
export function dockerReference(host: string, repository: string, tag: string): string {
  return `docker://${host}/${repository}:${tag}`;
}

/**
 * A fresh folder holding only `ca.crt` (the PEM given), for `--src-cert-dir`/`--dest-cert-dir`: skopeo would take
 * any `*.key` there for a client key, so the registry's own certificate folder will not do.
 */
export function caCertDir(caCertPem: string): string {
  const dir = makeTempDir("acr-test-cert-dir-");
  writeFileSync(path.join(dir, "ca.crt"), caCertPem);
  return dir;
}

/** `--X-tls-verify=false`, or `--X-cert-dir DIR` (verification on) when a folder is given. */
function tlsArgs(side: "src" | "dest", certDir: string | undefined): string[] {
  return certDir ? [`--${side}-cert-dir`, certDir] : [`--${side}-tls-verify=false`];
}

/**
 * `skopeo copy` with a private policy and temp folder. TLS goes unverified (loopback registries use self-signed
 * certificates or none) unless a cert dir is given for that side.
 */
export async function skopeoCopy(source: string, destination: string, options: SkopeoCopyOptions = {}): Promise<void> {
  const dir = skopeoDir();
  const args = [
    "--policy", path.join(dir, "policy.json"),
    "--registries.d", path.join(dir, "registries.d"),
    "--tmpdir", path.join(dir, "tmp"),
    "copy",
    ...tlsArgs("src", options.srcCertDir),
    ...tlsArgs("dest", options.destCertDir),
    ...(options.srcCreds ? ["--src-creds", options.srcCreds] : []),
    ...(options.destCreds ? ["--dest-creds", options.destCreds] : []),
    ...(options.authFile ? ["--authfile", options.authFile] : []),
    source, destination,
  ];
  try {
    await execFileAsync("skopeo", args, { timeout: SKOPEO_TIMEOUT_MS, env: { ...process.env, ...options.env } });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`skopeo copy ${source} ${destination} failed: ${stderr || String(error)}`);
  }
}

export interface OciImageInput {
  config: Buffer;
  layers: Buffer[];
  configMediaType?: string;
  layerMediaType?: string;
  annotations?: Record<string, string>;
}

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface OciLayoutImage {
  /** The manifest's exact bytes. */
  manifest: Buffer;
  manifestDigest: string;
  config: Buffer;
  layers: Buffer[];
}

async function writeBlob(dir: string, bytes: Buffer, mediaType: string): Promise<OciDescriptor> {
  const digest = sha256Digest(bytes);
  await writeFile(path.join(dir, "blobs", "sha256", digest.slice("sha256:".length)), bytes);
  return { mediaType, digest, size: bytes.length };
}

/** Writes an OCI image layout (oci-layout, index.json, blobs/sha256/...) holding one image under `tag`. */
export async function writeOciLayout(dir: string, image: OciImageInput, tag = "latest"): Promise<OciLayoutImage> {
  await mkdir(path.join(dir, "blobs", "sha256"), { recursive: true });
  const config = await writeBlob(dir, image.config, image.configMediaType ?? OCI_CONFIG);
  const layers = await Promise.all(
    image.layers.map((layer) => writeBlob(dir, layer, image.layerMediaType ?? OCI_LAYER_GZIP)),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config,
      layers,
      ...(image.annotations && { annotations: image.annotations }),
    }),
  );
  const descriptor = await writeBlob(dir, manifest, OCI_MANIFEST);
  await writeFile(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  await writeFile(
    path.join(dir, "index.json"),
    JSON.stringify({ schemaVersion: 2, manifests: [{ ...descriptor, annotations: { [REF_NAME]: tag } }] }),
  );
  return { manifest, manifestDigest: descriptor.digest, config: image.config, layers: image.layers };
}

async function readBlob(dir: string, descriptor: OciDescriptor): Promise<Buffer> {
  const [algorithm, hex] = descriptor.digest.split(":");
  const bytes = await readFile(path.join(dir, "blobs", algorithm!, hex!));
  if (sha256Digest(bytes) !== descriptor.digest || bytes.length !== descriptor.size) {
    throw new Error(`${dir}: blob ${descriptor.digest} does not match its descriptor`);
  }
  return bytes;
}

/** Reads the image tagged `tag` (or the only one) back from an OCI image layout, checking every digest. */
export async function readOciLayout(dir: string, tag?: string): Promise<OciLayoutImage> {
  const index = JSON.parse(await readFile(path.join(dir, "index.json"), "utf8")) as { manifests: OciDescriptor[] };
  const candidates =
    tag === undefined ? index.manifests : index.manifests.filter((entry) => entry.annotations?.[REF_NAME] === tag);
  if (candidates.length !== 1) {
    throw new Error(`${dir}: ${candidates.length} manifests match ${tag ?? "(any tag)"}`);
  }
  const descriptor = candidates[0]!;
  const manifest = await readBlob(dir, descriptor);
  const parsed = JSON.parse(manifest.toString("utf8")) as { config: OciDescriptor; layers: OciDescriptor[] };
  return {
    manifest,
    manifestDigest: descriptor.digest,
    config: await readBlob(dir, parsed.config),
    layers: await Promise.all(parsed.layers.map((layer) => readBlob(dir, layer))),
  };
}
