/**
 * Quick start: push a small image, list repositories and tags, lock the image and see a delete
 * refused, pull the image back (verifying every digest), then delete it.
 *
 * Environment:
 *   CONTAINER_REGISTRY_ENDPOINT    the registry, e.g. https://myregistry.azurecr.io
 *   CONTAINER_REGISTRY_REPOSITORY  repository to push to (default "samples/quickstart")
 *   CONTAINER_REGISTRY_TAG         tag to push (default "v1")
 * Authentication: DefaultAzureCredential (e.g. after `az login`), with pull, push and delete rights.
 *
 * Run: node quickstart.js
 */
import { createHash } from "node:crypto";
import { buffer } from "node:stream/consumers";
import { gzipSync } from "node:zlib";
import { DefaultAzureCredential } from "@azure/identity";
import {
  ContainerRegistryClient,
  ContainerRegistryContentClient,
  isRestError,
  KnownManifestMediaType,
} from "@azure/container-registry";

/** `sha256:` and the first 12 hex digits: enough to tell digests apart in the output. */
const short = (digest) => `${digest.slice(0, 19)}…`;

async function main() {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const repository = process.env.CONTAINER_REGISTRY_REPOSITORY ?? "samples/quickstart";
  const tag = process.env.CONTAINER_REGISTRY_TAG ?? "v1";
  const credential = new DefaultAzureCredential();
  const client = new ContainerRegistryClient(endpoint, credential);
  const content = new ContainerRegistryContentClient(endpoint, repository, credential);

  // 1. Push an image: its blobs first (config and layer), then the manifest that references them.
  // The smallest valid layer is an empty tar archive (two zero blocks), gzipped.
  const tar = Buffer.alloc(1024);
  const layer = await content.uploadBlob(gzipSync(tar));
  const imageConfig = {
    architecture: "amd64",
    os: "linux",
    rootfs: { type: "layers", diff_ids: [`sha256:${createHash("sha256").update(tar).digest("hex")}`] },
  };
  const config = await content.uploadBlob(Buffer.from(JSON.stringify(imageConfig)));
  const manifest = {
    schemaVersion: 2,
    mediaType: KnownManifestMediaType.OciImageManifest,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: config.sizeInBytes },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: layer.digest, size: layer.sizeInBytes }],
  };
  const { digest } = await content.setManifest(manifest, { tag });
  console.log(`Pushed ${repository}:${tag}`);
  console.log(`  config ${short(config.digest)} (${config.sizeInBytes} B), layer ${short(layer.digest)} (${layer.sizeInBytes} B)`);
  console.log(`  manifest ${short(digest)}`);

  // 2. List repositories and the image's tags; listings are paged, `for await` follows the pages.
  const repositories = [];
  for await (const name of client.listRepositoryNames()) repositories.push(name);
  console.log(`Repositories: ${repositories.join(", ")}`);
  const artifact = client.getArtifact(repository, tag);
  for await (const tagProperties of artifact.listTagProperties()) {
    console.log(`  tag ${tagProperties.name} -> ${short(tagProperties.digest)}, updated ${tagProperties.lastUpdatedOn.toISOString()}`);
  }

  // 3. Read the image's properties, then lock it: a locked image can be neither overwritten nor deleted.
  const properties = await artifact.getManifestProperties();
  console.log(`Properties: ${properties.operatingSystem}/${properties.architecture}, tags ${properties.tags.join(", ")}, canWrite=${properties.canWrite} canDelete=${properties.canDelete}`);
  const locked = await artifact.updateManifestProperties({ canWrite: false, canDelete: false });
  console.log(`  locked: canWrite=${locked.canWrite} canDelete=${locked.canDelete}`);
  try {
    await artifact.delete();
    throw new Error("The registry deleted a locked image");
  } catch (error) {
    if (!isRestError(error)) throw error;
    console.log(`  delete refused: ${error.statusCode} ${error.code}`);
  }
  const unlocked = await artifact.updateManifestProperties({ canWrite: true, canDelete: true });
  console.log(`  unlocked: canWrite=${unlocked.canWrite} canDelete=${unlocked.canDelete}`);

  // 4. Pull the image back. getManifest checks the manifest's bytes against its digest, and each
  // downloaded blob stream fails instead of ending if its bytes do not match their digest.
  const pulled = await content.getManifest(tag);
  if (pulled.digest !== digest || !("layers" in pulled.manifest)) throw new Error(`Unexpected manifest ${pulled.digest}`);
  let bytes = 0;
  for (const descriptor of [pulled.manifest.config, ...pulled.manifest.layers]) {
    const blob = await content.downloadBlob(descriptor.digest);
    bytes += (await buffer(blob.content)).length;
  }
  console.log(`Pulled ${repository}:${tag}: manifest ${short(pulled.digest)} and ${pulled.manifest.layers.length + 1} blobs (${bytes} B), digests verified`);

  // 5. Delete the image: its manifest and every tag pointing at it.
  await artifact.delete();
  console.log(`Deleted ${repository}@${short(digest)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
