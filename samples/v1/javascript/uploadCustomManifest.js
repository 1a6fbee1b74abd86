/**
 * Push manifests you compose yourself: an OCI artifact that is not a container image (a text
 * document, with its own `artifactType`), pushed byte for byte; and an OCI image index, the
 * manifest of a multi-platform image, pointing at one image per platform. Then read the index back.
 *
 * Environment:
 *   CONTAINER_REGISTRY_ENDPOINT    the registry, e.g. https://myregistry.azurecr.io (or any OCI registry)
 *   CONTAINER_REGISTRY_REPOSITORY  repository to push to (default "samples/manifests")
 *   CONTAINER_REGISTRY_ANONYMOUS   "true" for a registry without authentication
 * Authentication: DefaultAzureCredential (e.g. after `az login`), with push rights.
 *
 * Run: node uploadCustomManifest.js
 */
import { DefaultAzureCredential } from "@azure/identity";
import {
  ContainerRegistryContentClient,
  KnownManifestMediaType,
} from "@azure/container-registry";

async function main() {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const repository = process.env.CONTAINER_REGISTRY_REPOSITORY ?? "samples/manifests";
  const credential = process.env.CONTAINER_REGISTRY_ANONYMOUS === "true" ? undefined : new DefaultAzureCredential();
  const client = new ContainerRegistryContentClient(endpoint, repository, credential);

  // 1. An artifact: a document as its only layer, and OCI's empty config ("{}"), which says "no
  // configuration"; `artifactType` tells tools what the artifact is.
  const document = await client.uploadBlob(Buffer.from("# Release notes\n\nFirst release.\n"));
  const empty = await client.uploadBlob(Buffer.from("{}"));
  const artifact = {
    schemaVersion: 2,
    mediaType: KnownManifestMediaType.OciImageManifest,
    artifactType: "application/vnd.example.release-notes.v1",
    config: { mediaType: "application/vnd.oci.empty.v1+json", digest: empty.digest, size: empty.sizeInBytes },
    layers: [
      {
        mediaType: "text/markdown",
        digest: document.digest,
        size: document.sizeInBytes,
        annotations: { "org.opencontainers.image.title": "NOTES.md" },
      },
    ],
  };
  // Bytes are pushed as they are (here, indented JSON): the digest is the digest of these bytes.
  const bytes = Buffer.from(JSON.stringify(artifact, null, 2));
  const notes = await client.setManifest(bytes, { tag: "notes", mediaType: KnownManifestMediaType.OciImageManifest });
  console.log(`Pushed ${repository}:notes, ${artifact.artifactType}, as ${notes.digest}`);

  // 2. An index over two images, one per platform. Each image here is only a config (a real image
  // has layers too); it is pushed by digest, untagged: the index's tag is what users pull.
  const platforms = [];
  for (const architecture of ["amd64", "arm64"]) {
    const config = await client.uploadBlob(Buffer.from(JSON.stringify({ architecture, os: "linux", rootfs: { type: "layers", diff_ids: [] } })));
    const image = {
      schemaVersion: 2,
      mediaType: KnownManifestMediaType.OciImageManifest,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: config.sizeInBytes },
      layers: [],
    };
    // setManifest reports the digest and size of the bytes it pushed: what the index's descriptor needs.
    const { digest, sizeInBytes } = await client.setManifest(image);
    platforms.push({ mediaType: KnownManifestMediaType.OciImageManifest, digest, size: sizeInBytes, platform: { architecture, os: "linux" } });
    console.log(`Pushed the linux/${architecture} image as ${digest}`);
  }
  const index = { schemaVersion: 2, mediaType: KnownManifestMediaType.OciImageIndex, manifests: platforms };
  const pushed = await client.setManifest(index, { tag: "multi-platform" });
  console.log(`Pushed ${repository}:multi-platform, an index, as ${pushed.digest}`);

  // Narrow the parsed manifest by its shape: an index has `manifests`, an image `layers`.
  const { manifest, mediaType } = await client.getManifest("multi-platform");
  if (!("manifests" in manifest)) throw new Error(`Expected an index, got ${mediaType}`);
  for (const entry of manifest.manifests) {
    console.log(`  ${entry.platform?.os}/${entry.platform?.architecture}: ${entry.digest}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
