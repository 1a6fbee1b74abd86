/**
 * Clean up a repository: keep its newest images (by last update) and delete the others, with
 * their tags. Images locked against deletion (`canDelete: false`) are left alone.
 *
 * Environment:
 *   CONTAINER_REGISTRY_ENDPOINT       the registry, e.g. https://myregistry.azurecr.io
 *   CONTAINER_REGISTRY_REPOSITORY     repository to clean up (default "library/hello-world")
 *   CONTAINER_REGISTRY_IMAGES_TO_KEEP how many of the newest images to keep (default 3)
 * Authentication: DefaultAzureCredential (e.g. after `az login`), with delete rights.
 *
 * Run: npx tsx src/deleteImages.ts
 */
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerRegistryClient } from "@azure/container-registry";

async function main(): Promise<void> {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const repositoryName = process.env.CONTAINER_REGISTRY_REPOSITORY ?? "library/hello-world";
  const imagesToKeep = Number(process.env.CONTAINER_REGISTRY_IMAGES_TO_KEEP || "3");
  // A typo must not turn into "keep nothing".
  if (!Number.isInteger(imagesToKeep) || imagesToKeep < 0) throw new Error("CONTAINER_REGISTRY_IMAGES_TO_KEEP must be a whole number");
  const client = new ContainerRegistryClient(endpoint, new DefaultAzureCredential());
  const repository = client.getRepository(repositoryName);

  // List everything before deleting anything: deleting while paging would shift the pages.
  const newestFirst = [];
  for await (const manifest of repository.listManifestProperties({ order: "LastUpdatedOnDescending" })) {
    newestFirst.push(manifest);
  }
  for (const [index, manifest] of newestFirst.entries()) {
    const line = `${manifest.digest.slice(0, 19)}… updated ${manifest.lastUpdatedOn.toISOString()} ${manifest.tags.join(", ")}`;
    if (index < imagesToKeep) {
      console.log(`kept    ${line}`);
    } else if (manifest.canDelete === false) {
      console.log(`locked  ${line}`);
    } else {
      await repository.getArtifact(manifest.digest).delete();
      console.log(`deleted ${line}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
