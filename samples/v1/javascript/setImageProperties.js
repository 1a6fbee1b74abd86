/**
 * Read and change the properties of an image and its tag: lock the image (it can then be neither
 * overwritten nor deleted), hide the tag from listings, then put back what was there before.
 *
 * Environment:
 *   CONTAINER_REGISTRY_ENDPOINT    the registry, e.g. https://myregistry.azurecr.io
 *   CONTAINER_REGISTRY_REPOSITORY  repository of the image (default "library/hello-world")
 *   CONTAINER_REGISTRY_TAG         tag of the image (default "latest")
 * Authentication: DefaultAzureCredential (e.g. after `az login`), with metadata write rights.
 *
 * Run: node setImageProperties.js
 */
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerRegistryClient } from "@azure/container-registry";

async function main() {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const repository = process.env.CONTAINER_REGISTRY_REPOSITORY ?? "library/hello-world";
  const tag = process.env.CONTAINER_REGISTRY_TAG ?? "latest";
  const client = new ContainerRegistryClient(endpoint, new DefaultAzureCredential());
  const image = client.getArtifact(repository, tag);

  const manifest = await image.getManifestProperties();
  const tagProperties = await image.getTagProperties(tag);
  console.log(`${repository}:${tag} is ${manifest.digest}, ${manifest.operatingSystem}/${manifest.architecture}, tags ${manifest.tags.join(", ")}`);
  console.log(`  image: canWrite=${manifest.canWrite} canDelete=${manifest.canDelete}; tag: canList=${tagProperties.canList}`);

  // Only the properties given change; the others keep their values.
  const locked = await image.updateManifestProperties({ canWrite: false, canDelete: false });
  const hidden = await image.updateTagProperties(tag, { canList: false });
  console.log(`  changed to image: canWrite=${locked.canWrite} canDelete=${locked.canDelete}; tag: canList=${hidden.canList}`);

  // Leave the image as it was, so the sample can run again.
  const restored = await image.updateManifestProperties({ canWrite: manifest.canWrite, canDelete: manifest.canDelete });
  const shown = await image.updateTagProperties(tag, { canList: tagProperties.canList });
  console.log(`  restored image: canWrite=${restored.canWrite} canDelete=${restored.canDelete}; tag: canList=${shown.canList}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
