/**
 * Delete content with the content client, which works on any OCI registry: a manifest (by digest:
 * registries refuse deletes by tag, and deleting a manifest removes its tags), then the blobs it
 * referenced. The sample first pushes a small artifact of its own, so it deletes nothing else.
 *
 * Environment:
 *   CONTAINER_REGISTRY_ENDPOINT    the registry, e.g. https://myregistry.azurecr.io (or any OCI registry)
 *   CONTAINER_REGISTRY_REPOSITORY  repository to use (default "samples/delete")
 *   CONTAINER_REGISTRY_ANONYMOUS   "true" for a registry without authentication
 * Authentication: DefaultAzureCredential (e.g. after `az login`), with push and delete rights.
 *
 * Run: npx tsx src/deleteBlobAndManifest.ts
 */
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerRegistryContentClient, isRestError, KnownManifestMediaType } from "@azure/container-registry";

async function main(): Promise<void> {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const repository = process.env.CONTAINER_REGISTRY_REPOSITORY ?? "samples/delete";
  const credential = process.env.CONTAINER_REGISTRY_ANONYMOUS === "true" ? undefined : new DefaultAzureCredential();
  const client = new ContainerRegistryContentClient(endpoint, repository, credential);

  const empty = await client.uploadBlob(Buffer.from("{}"));
  const file = await client.uploadBlob(Buffer.from("to be deleted\n"));
  await client.setManifest(
    {
      schemaVersion: 2,
      mediaType: KnownManifestMediaType.OciImageManifest,
      artifactType: "application/vnd.example.scratch.v1",
      config: { mediaType: "application/vnd.oci.empty.v1+json", digest: empty.digest, size: empty.sizeInBytes },
      layers: [{ mediaType: "text/plain", digest: file.digest, size: file.sizeInBytes }],
    },
    { tag: "scratch" },
  );
  console.log(`Pushed ${repository}:scratch`);

  // Resolve the tag to a digest, and find the blobs, before the manifest is gone.
  const { digest, manifest } = await client.getManifest("scratch");
  if (!("layers" in manifest)) throw new Error(`${repository}:scratch is not an image manifest`);
  await client.deleteManifest(digest);
  console.log(`Deleted manifest ${digest}`);

  // Only delete blobs that no other manifest uses: registries do not check.
  for (const blob of [manifest.config, ...manifest.layers]) {
    await client.deleteBlob(blob.digest);
    console.log(`Deleted blob ${blob.digest}: still there? ${await client.blobExists(blob.digest)}`);
  }

  try {
    await client.getManifest("scratch");
    throw new Error("The tag outlived its manifest");
  } catch (error) {
    if (!isRestError(error) || error.statusCode !== 404) throw error;
    console.log(`${repository}:scratch is gone: ${error.statusCode} ${error.code}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
