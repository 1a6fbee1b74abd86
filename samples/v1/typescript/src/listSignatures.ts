/**
 * List the signatures (and other artifacts: SBOMs, attestations) attached to an image. Notation,
 * cosign and ORAS attach them as OCI 1.1 referrers: manifests whose `subject` is the image. The
 * sample pushes a small image and attaches a signature and an SBOM to it, as a signing tool and a
 * build would, then lists what refers to the image: all of it, then the signatures only.
 * On registries without the referrers API, the library keeps and reads the referrers tag
 * (`sha256-<hex of the image>`) itself, as the OCI distribution spec asks of clients.
 *
 * Environment:
 *   CONTAINER_REGISTRY_ENDPOINT    the registry, e.g. https://myregistry.azurecr.io (or any OCI registry)
 *   CONTAINER_REGISTRY_REPOSITORY  repository to push to (default "samples/signed")
 *   CONTAINER_REGISTRY_ANONYMOUS   "true" for a registry without authentication
 * Authentication: DefaultAzureCredential (e.g. after `az login`), with push rights.
 *
 * Run: npx tsx src/listSignatures.ts
 */
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerRegistryContentClient, KnownManifestMediaType, type OciDescriptor, type OciImageManifest } from "@azure/container-registry";

const NOTATION_SIGNATURE = "application/vnd.cncf.notary.signature";
const SPDX_SBOM = "application/spdx+json";

/** Attaches an artifact (one layer of `content`, the empty config) to `subject`, as a referrer. */
async function attach(client: ContainerRegistryContentClient, subject: OciDescriptor, artifactType: string, content: string, layerType: string): Promise<string> {
  const empty = await client.uploadBlob(Buffer.from("{}"));
  const layer = await client.uploadBlob(Buffer.from(content));
  const manifest: OciImageManifest = {
    schemaVersion: 2,
    mediaType: KnownManifestMediaType.OciImageManifest,
    artifactType,
    config: { mediaType: "application/vnd.oci.empty.v1+json", digest: empty.digest, size: empty.sizeInBytes },
    layers: [{ mediaType: layerType, digest: layer.digest, size: layer.sizeInBytes }],
    subject,
    annotations: { "org.opencontainers.image.created": "2026-01-01T00:00:00Z" },
  };
  return (await client.setManifest(manifest)).digest;
}

async function main(): Promise<void> {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const repository = process.env.CONTAINER_REGISTRY_REPOSITORY ?? "samples/signed";
  const credential = process.env.CONTAINER_REGISTRY_ANONYMOUS === "true" ? undefined : new DefaultAzureCredential();
  const client = new ContainerRegistryContentClient(endpoint, repository, credential);

  // An image to sign: a config only (a real image has layers too).
  const config = await client.uploadBlob(Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } })));
  const image: OciImageManifest = {
    schemaVersion: 2,
    mediaType: KnownManifestMediaType.OciImageManifest,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: config.sizeInBytes },
    layers: [],
  };
  const pushed = await client.setManifest(image, { tag: "v1" });
  const subject: OciDescriptor = { mediaType: KnownManifestMediaType.OciImageManifest, digest: pushed.digest, size: pushed.sizeInBytes };
  console.log(`Pushed ${repository}:v1 as ${pushed.digest}`);
  await attach(client, subject, NOTATION_SIGNATURE, "(a JWS envelope)", "application/jose+json");
  await attach(client, subject, SPDX_SBOM, '{"spdxVersion":"SPDX-2.3"}', SPDX_SBOM);

  const { digest } = await client.getManifest("v1");
  for await (const referrer of client.listReferrers(digest)) {
    console.log(`  ${referrer.artifactType}: ${referrer.digest}`);
  }
  const signatures = [];
  for await (const signature of client.listReferrers(digest, { artifactType: NOTATION_SIGNATURE })) {
    signatures.push(signature.digest);
  }
  console.log(`${repository}:v1 has ${signatures.length} Notation signature(s): ${signatures.join(", ")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
