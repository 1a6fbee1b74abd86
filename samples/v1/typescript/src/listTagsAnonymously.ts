/**
 * Read a registry that allows anonymous pull without any credential: list its repositories, then
 * the tags of one repository, newest first.
 *
 * Environment:
 *   CONTAINER_REGISTRY_ANONYMOUS_ENDPOINT  a registry with anonymous pull enabled
 *                                          (`az acr update --name <registry> --anonymous-pull-enabled`)
 *   CONTAINER_REGISTRY_REPOSITORY          repository to list (default "library/hello-world")
 *
 * Run: npx tsx src/listTagsAnonymously.ts
 */
import { ContainerRegistryClient } from "@azure/container-registry";

async function main(): Promise<void> {
  const endpoint = process.env.CONTAINER_REGISTRY_ANONYMOUS_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ANONYMOUS_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const repository = process.env.CONTAINER_REGISTRY_REPOSITORY ?? "library/hello-world";
  // Without a credential the client asks the registry for anonymous tokens: reads only.
  const client = new ContainerRegistryClient(endpoint);

  for await (const name of client.listRepositoryNames()) console.log(`repository ${name}`);

  // Tags belong to manifests: list the repository's manifests, newest first, with their tags.
  for await (const manifest of client.getRepository(repository).listManifestProperties({ order: "LastUpdatedOnDescending" })) {
    const tags = manifest.tags.length > 0 ? manifest.tags.join(", ") : "(untagged)";
    console.log(`${repository}@${manifest.digest.slice(0, 19)}…: ${tags}, updated ${manifest.lastUpdatedOn.toISOString()}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
