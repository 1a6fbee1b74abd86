/**
 * Pull the image of one platform out of a multi-platform image into an OCI image layout folder:
 * the `oci:` format that skopeo, oras, buildah and containerd read (`skopeo copy oci:DIR:TAG ...`).
 * Every blob is written to a temporary file, checked against its digest and renamed into place.
 *
 * Environment:
 *   CONTAINER_REGISTRY_ENDPOINT    the registry, e.g. https://myregistry.azurecr.io (or any OCI registry)
 *   CONTAINER_REGISTRY_REPOSITORY  repository of the image (default "samples/manifests", where uploadCustomManifest pushes one)
 *   CONTAINER_REGISTRY_TAG         its tag (default "multi-platform")
 *   CONTAINER_REGISTRY_PLATFORM    the platform, as docker's --platform spells it (default "linux/arm64")
 *   CONTAINER_REGISTRY_LAYOUT      the layout folder to create or add to (default "./layout")
 *   CONTAINER_REGISTRY_ANONYMOUS   "true" for a registry without authentication
 * Authentication: DefaultAzureCredential (e.g. after `az login`), with pull rights.
 *
 * Run: node pullPlatformToLayout.js
 */
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerRegistryContentClient, copyArtifact, formatPlatform, NoMatchingPlatformError, OciImageLayout, parsePlatform } from "@azure/container-registry";

async function main() {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const repository = process.env.CONTAINER_REGISTRY_REPOSITORY ?? "samples/manifests";
  const tag = process.env.CONTAINER_REGISTRY_TAG ?? "multi-platform";
  const credential = process.env.CONTAINER_REGISTRY_ANONYMOUS === "true" ? undefined : new DefaultAzureCredential();
  const client = new ContainerRegistryContentClient(endpoint, repository, credential);

  const platform = parsePlatform(process.env.CONTAINER_REGISTRY_PLATFORM ?? "linux/arm64");
  const layout = new OciImageLayout(process.env.CONTAINER_REGISTRY_LAYOUT ?? "layout");
  try {
    const pulled = await copyArtifact(client, tag, layout, { platform });
    console.log(`Pulled ${repository}:${tag} for ${formatPlatform(platform)} into ${layout.directory}: ${pulled.digest}`);
  } catch (error) {
    if (!(error instanceof NoMatchingPlatformError)) throw error;
    console.log(`${repository}:${tag} has no ${error.requestedPlatform} image; it has ${error.availablePlatforms.join(", ")}`);
    return;
  }

  // The layout reads back like a registry: the manifest by its tag, the blobs as files.
  const { manifest } = await layout.getManifest(tag);
  if (!("layers" in manifest)) throw new Error(`${tag} is not an image`);
  console.log(`  config ${layout.blobPath(manifest.config.digest)}`);
  for (const layer of manifest.layers) console.log(`  layer ${layout.blobPath(layer.digest)} (${layer.size} B)`);
  console.log(`Tags in the layout: ${(await layout.listTags()).join(", ")}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
