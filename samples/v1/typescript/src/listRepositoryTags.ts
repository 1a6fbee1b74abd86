/**
 * List every tag of a repository with its properties, newest first: the digest each tag points
 * at, when it last moved, and whether it can be overwritten or deleted (ACR's metadata API).
 *
 * Environment:
 *   CONTAINER_REGISTRY_ENDPOINT    the registry, e.g. https://myregistry.azurecr.io
 *   CONTAINER_REGISTRY_REPOSITORY  repository to list (default "library/hello-world")
 * Authentication: DefaultAzureCredential (e.g. after `az login`), with read rights.
 *
 * Run: npx tsx src/listRepositoryTags.ts
 */
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerRegistryClient } from "@azure/container-registry";

async function main(): Promise<void> {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const repositoryName = process.env.CONTAINER_REGISTRY_REPOSITORY ?? "library/hello-world";
  const client = new ContainerRegistryClient(endpoint, new DefaultAzureCredential());

  const repository = client.getRepository(repositoryName);
  for await (const tag of repository.listTagProperties({ order: "LastUpdatedOnDescending" })) {
    const locked = tag.canWrite === false || tag.canDelete === false ? ", locked" : "";
    console.log(`${repositoryName}:${tag.name} -> ${tag.digest.slice(0, 19)}…, updated ${tag.lastUpdatedOn.toISOString()}${locked}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
