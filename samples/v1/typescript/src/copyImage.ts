/**
 * Copy an image into Azure Container Registry from another registry: mirror a public base image,
 * or promote a build from a staging registry to production. Every platform of a multi-platform
 * image comes along, with the signatures and SBOMs attached to it; blobs the destination already
 * has are skipped, blobs of another repository of the same registry are mounted, the others
 * stream from one registry to the other, verified, without touching the disk. The tag is written
 * last: a copy that fails leaves no tag behind, and running it again goes on where it stopped.
 *
 * Environment:
 *   CONTAINER_REGISTRY_SOURCE_ENDPOINT    where the image is (default https://mcr.microsoft.com), read anonymously
 *   CONTAINER_REGISTRY_SOURCE_REPOSITORY  its repository (default "hello-world")
 *   CONTAINER_REGISTRY_TAG                its tag, also the tag of the copy (default "latest")
 *   CONTAINER_REGISTRY_ENDPOINT           the destination, e.g. https://myregistry.azurecr.io
 *   CONTAINER_REGISTRY_REPOSITORY         the destination repository (default "mirror/" + the source repository)
 *   CONTAINER_REGISTRY_ANONYMOUS          "true" for a destination without authentication
 * Authentication to the destination: DefaultAzureCredential (e.g. after `az login`), with push rights.
 *
 * Run: npx tsx src/copyImage.ts
 */
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerRegistryContentClient, copyArtifact } from "@azure/container-registry";

async function main(): Promise<void> {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const sourceEndpoint = process.env.CONTAINER_REGISTRY_SOURCE_ENDPOINT ?? "https://mcr.microsoft.com";
  const sourceRepository = process.env.CONTAINER_REGISTRY_SOURCE_REPOSITORY ?? "hello-world";
  const tag = process.env.CONTAINER_REGISTRY_TAG ?? "latest";
  const repository = process.env.CONTAINER_REGISTRY_REPOSITORY ?? `mirror/${sourceRepository}`;
  const credential = process.env.CONTAINER_REGISTRY_ANONYMOUS === "true" ? undefined : new DefaultAzureCredential();

  // Each side has a client of its own: the destination's credential never reaches the source.
  const source = new ContainerRegistryContentClient(sourceEndpoint, sourceRepository);
  const destination = new ContainerRegistryContentClient(endpoint, repository, credential);
  const result = await copyArtifact(source, tag, destination, {
    includeReferrers: true, // signatures, SBOMs and attestations attached to the image
    onProgress: ({ blob, completedBlobs, totalBlobs }) => {
      if (blob.state !== "transferring") console.log(`  [${completedBlobs}/${totalBlobs}] ${blob.state} ${blob.digest.slice(0, 19)}… (${blob.sizeInBytes} B)`);
    },
  });
  const { copied, mounted, skipped } = result.blobs;
  console.log(`Copied ${sourceRepository}:${tag} to ${repository}:${tag} as ${result.digest}`);
  console.log(`  blobs: ${copied.length} copied (${result.transferredBytes} B), ${mounted.length} mounted, ${skipped.length} already there`);
  console.log(`  manifests: ${result.manifests.copied.length} copied, ${result.manifests.skipped.length} already there; referrers: ${result.referrers.length}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
