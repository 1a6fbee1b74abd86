// Shared by the artifacts suites: the two servers (the CNCF registry, without a referrers API, and
// the ACR emulator, with one), and images, multi-platform indexes and signatures built by the tests.
import { gzipSync } from "node:zlib";
import { startAcrEmulator } from "../../../src/emulator/index.js";
import {
  KnownManifestMediaType,
  type ContainerRegistryContentClient,
  type OciDescriptor,
  type OciImageIndex,
  type OciImageManifest,
  type OciPlatform,
} from "../../../src/index.js";
import { distributionRegistryAvailable, startDistributionRegistry } from "../../utils/registry.js";
import { bytes, type LiveRegistry } from "../content/support.js";

export { bytes, contentClient, sha256, type LiveRegistry } from "../content/support.js";

export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
export const NOTATION_SIGNATURE = "application/vnd.cncf.notary.signature";
export const SBOM = "application/spdx+json";

export interface LiveServer {
  name: string;
  /** Whether the server has the OCI 1.1 referrers API. */
  referrersApi: boolean;
  available: boolean;
  start(): Promise<LiveRegistry & { stop(): Promise<void> }>;
}

export const SERVERS: LiveServer[] = [
  {
    name: "the CNCF distribution registry (no referrers API)",
    referrersApi: false,
    available: distributionRegistryAvailable(),
    start: () => startDistributionRegistry(),
  },
  {
    name: "the ACR emulator (referrers API)",
    referrersApi: true,
    available: true,
    start: async () => {
      const emulator = await startAcrEmulator();
      return { endpoint: emulator.endpoint, credential: emulator.credential, stop: () => emulator.close() };
    },
  },
];

/** A pushed manifest, as a descriptor of it (what an index or a subject field lists). */
export interface Pushed extends OciDescriptor {
  /** Digests of the blobs it is made of (config first). */
  blobs: string[];
}

/** Pushes an image of `layerCount` small gzip layers (unique per `seed`) whose config declares `platform`. */
export async function pushImage(client: ContainerRegistryContentClient, seed: number, platform: OciPlatform, options: { layerCount?: number; tag?: string } = {}): Promise<Pushed> {
  const layers = await Promise.all(
    Array.from({ length: options.layerCount ?? 2 }, async (_, index) => {
      const uploaded = await client.uploadBlob(gzipSync(bytes(3000 + index * 1000, seed * 100 + index)));
      return { mediaType: OCI_LAYER_GZIP, digest: uploaded.digest, size: uploaded.sizeInBytes };
    }),
  );
  const configBytes = Buffer.from(JSON.stringify({ ...platform, rootfs: { type: "layers", diff_ids: [] }, seed }));
  const config = await client.uploadBlob(configBytes);
  const manifest: OciImageManifest = {
    schemaVersion: 2,
    mediaType: KnownManifestMediaType.OciImageManifest,
    config: { mediaType: OCI_CONFIG, digest: config.digest, size: config.sizeInBytes },
    layers,
  };
  const pushed = await client.setManifest(manifest, { tag: options.tag });
  return { mediaType: KnownManifestMediaType.OciImageManifest, digest: pushed.digest, size: pushed.sizeInBytes, blobs: [config.digest, ...layers.map((layer) => layer.digest)] };
}

/** Pushes one image per platform and an index listing them, tagged `tag`. */
export async function pushIndex(client: ContainerRegistryContentClient, seed: number, platforms: OciPlatform[], tag: string): Promise<{ index: Pushed; images: Pushed[] }> {
  const images = await Promise.all(platforms.map((platform, index) => pushImage(client, seed * 10 + index, platform)));
  const index: OciImageIndex = {
    schemaVersion: 2,
    mediaType: KnownManifestMediaType.OciImageIndex,
    manifests: images.map((image, i) => ({ mediaType: image.mediaType, digest: image.digest, size: image.size, platform: platforms[i] })),
  };
  const pushed = await client.setManifest(index, { tag });
  return { index: { mediaType: KnownManifestMediaType.OciImageIndex, digest: pushed.digest, size: pushed.sizeInBytes, blobs: [] }, images };
}

/** Attaches an artifact to `subject`: a manifest of `artifactType` with one layer of `payload`, empty config. */
export async function attach(client: ContainerRegistryContentClient, subject: OciDescriptor, artifactType: string, payload: string, annotations: Record<string, string> = {}): Promise<Pushed> {
  const empty = await client.uploadBlob(Buffer.from("{}"));
  const layer = await client.uploadBlob(Buffer.from(payload));
  const manifest: OciImageManifest = {
    schemaVersion: 2,
    mediaType: KnownManifestMediaType.OciImageManifest,
    artifactType,
    config: { mediaType: "application/vnd.oci.empty.v1+json", digest: empty.digest, size: empty.sizeInBytes },
    layers: [{ mediaType: "application/octet-stream", digest: layer.digest, size: layer.sizeInBytes }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: { "org.opencontainers.image.created": "2026-01-01T00:00:00Z", ...annotations },
  };
  const pushed = await client.setManifest(manifest);
  return { mediaType: KnownManifestMediaType.OciImageManifest, digest: pushed.digest, size: pushed.sizeInBytes, blobs: [empty.digest, layer.digest] };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
