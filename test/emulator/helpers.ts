import { createHash } from "node:crypto";
import type { AcrEmulator } from "../../src/emulator/index.js";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

export function digestOf(data: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Exchange the dev token and buy an access token for the scopes, as ACR clients do. */
export async function tokenFor(emulator: AcrEmulator, ...scopes: string[]): Promise<string> {
  const exchange = await fetch(`${emulator.endpoint}/oauth2/exchange`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "access_token", service: emulator.serviceName, access_token: emulator.devToken }),
  });
  const { refresh_token } = (await exchange.json()) as { refresh_token: string };
  const form = new URLSearchParams({ grant_type: "refresh_token", service: emulator.serviceName, refresh_token });
  for (const scope of scopes) form.append("scope", scope);
  const token = await fetch(`${emulator.endpoint}/oauth2/token`, { method: "POST", body: form });
  return ((await token.json()) as { access_token: string }).access_token;
}

/** A fetch against the emulator with a bearer token (when given). */
export function client(emulator: AcrEmulator, token?: string) {
  // `duplex` is needed to send a stream body; Node's fetch supports it, the DOM types lack it.
  return (path: string, init: Omit<RequestInit, "headers"> & { headers?: Record<string, string>; duplex?: "half" } = {}): Promise<Response> =>
    fetch(path.startsWith("http") ? path : `${emulator.endpoint}${path}`, {
      ...init,
      redirect: "manual",
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...init.headers },
    } as RequestInit);
}

export type Client = ReturnType<typeof client>;

/** Monolithic upload (`POST ?digest=`). */
export async function pushBlob(call: Client, repository: string, content: Uint8Array | string): Promise<string> {
  const digest = digestOf(content);
  const response = await call(`/v2/${repository}/blobs/uploads/?digest=${digest}`, { method: "POST", body: content });
  if (response.status !== 201) throw new Error(`blob push: ${response.status} ${await response.text()}`);
  return digest;
}

/** Pushes a config and a layer, then an OCI manifest under `reference`; returns the manifest. */
export async function pushImage(
  call: Client,
  repository: string,
  reference: string,
  platform = { architecture: "amd64", os: "linux" },
): Promise<{ digest: string; content: string }> {
  const config = JSON.stringify({ ...platform, rootfs: { type: "layers", diff_ids: [] } });
  const layer = `layer of ${repository}:${reference}:${Math.random()}`;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: await pushBlob(call, repository, config), size: config.length },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: await pushBlob(call, repository, layer), size: layer.length }],
  });
  const response = await call(`/v2/${repository}/manifests/${reference}`, {
    method: "PUT",
    headers: { "Content-Type": OCI_MANIFEST },
    body: manifest,
  });
  if (response.status !== 201) throw new Error(`manifest push: ${response.status} ${await response.text()}`);
  return { digest: digestOf(manifest), content: manifest };
}

export const ALL_SCOPES = (repository: string): string[] => [
  `repository:${repository}:pull,push,delete,metadata_read,metadata_write`,
  "registry:catalog:*",
];
