// Shared by the authentication live suites: clients of a registry with any credential, a small image to
// push and pull, and an HttpClient that records what each request carried.
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { expect } from "vitest";
import {
  ContainerRegistryContentClient,
  KnownManifestMediaType,
  type ContainerRegistryContentClientOptions,
  type OciImageManifest,
} from "../../../src/index.js";
import type { RegistryCredential } from "../../../src/auth/registryCredential.js";
export { ALICE, PUBLIC_REPOSITORY, startTokenAuthRegistry, type TokenAuthRegistry } from "../../utils/tokenAuthRegistry.js";
import { sha256 } from "../content/support.js";

/** A content client of `repository` with `credential`, trusting the loopback certificate, without retries. */
export function clientOf(
  registry: { endpoint: string; caCert?: string },
  repository: string,
  credential?: RegistryCredential,
  options: ContainerRegistryContentClientOptions = {},
): ContainerRegistryContentClient {
  return new ContainerRegistryContentClient(registry.endpoint, repository, credential, {
    ...(registry.caCert && { tlsOptions: { ca: registry.caCert } }),
    retryOptions: { maxRetries: 0 },
    ...options,
  });
}

export interface PushedImage {
  manifestDigest: string;
  config: Buffer;
  layer: Buffer;
  layerDigest: string;
}

/** Pushes a one-layer image with fresh bytes under `tag`. */
export async function pushImage(client: ContainerRegistryContentClient, tag: string): Promise<PushedImage> {
  const layer = gzipSync(randomBytes(4096));
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
  const { digest: layerDigest } = await client.uploadBlob(layer);
  const { digest: configDigest } = await client.uploadBlob(config);
  const manifest: OciImageManifest = {
    schemaVersion: 2,
    mediaType: KnownManifestMediaType.OciImageManifest,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: layerDigest, size: layer.length }],
  };
  const { digest: manifestDigest } = await client.setManifest(manifest, { tag });
  return { manifestDigest, config, layer, layerDigest };
}

/** Pulls `tag` and checks it is `image`, byte for byte. */
export async function expectPullable(client: ContainerRegistryContentClient, tag: string, image: PushedImage): Promise<void> {
  const { digest } = await client.getManifest(tag);
  expect(digest).toBe(image.manifestDigest);
  const { content } = await client.downloadBlob(image.layerDigest);
  const parts: Buffer[] = [];
  for await (const part of content) parts.push(part as Buffer);
  expect(sha256(Buffer.concat(parts))).toBe(image.layerDigest);
}

/** One request as it left the client (the last hop, after every policy). */
export interface SentRequest {
  method: string;
  url: string;
  authorization?: string;
  status: number;
}

/** Core's default HttpClient, recording what it sends: the credentials each request carried, and its status. */
export function recordingHttpClient(): HttpClient & { sent: SentRequest[] } {
  const inner = createDefaultHttpClient();
  const sent: SentRequest[] = [];
  return {
    sent,
    async sendRequest(request) {
      const response = await inner.sendRequest(request);
      sent.push({ method: request.method, url: request.url, authorization: request.headers.get("authorization"), status: response.status });
      return response;
    },
  };
}
