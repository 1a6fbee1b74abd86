/**
 * List the repositories of a registry with their manifest and tag counts, then the same names a
 * page at a time, as a UI or a job resuming later (with the page's continuation token) would.
 *
 * Environment:
 *   CONTAINER_REGISTRY_ENDPOINT  the registry, e.g. https://myregistry.azurecr.io
 * Authentication: DefaultAzureCredential (e.g. after `az login`), with pull rights.
 *
 * Run: node listRepositories.js
 */
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerRegistryClient } from "@azure/container-registry";

async function main() {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const client = new ContainerRegistryClient(endpoint, new DefaultAzureCredential());

  // `for await` fetches the next page whenever the current one runs out.
  for await (const name of client.listRepositoryNames()) {
    const properties = await client.getRepository(name).getProperties();
    console.log(`${name}: ${properties.manifestCount} manifests, ${properties.tagCount} tags`);
  }

  let pageNumber = 0;
  for await (const page of client.listRepositoryNames().byPage({ maxPageSize: 2 })) {
    console.log(`page ${++pageNumber}: ${page.join(", ")}${page.continuationToken ? " (more follow)" : ""}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
