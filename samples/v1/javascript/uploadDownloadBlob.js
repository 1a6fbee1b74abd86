/**
 * Upload blobs (from bytes, and from a stream whose length is unknown) and download one to a
 * file. Both directions are verified: uploads are hashed as they are sent, and a download whose
 * bytes do not match the digest fails instead of ending.
 *
 * Environment:
 *   CONTAINER_REGISTRY_ENDPOINT    the registry, e.g. https://myregistry.azurecr.io (or any OCI registry)
 *   CONTAINER_REGISTRY_REPOSITORY  repository to upload to (default "samples/blobs")
 *   CONTAINER_REGISTRY_ANONYMOUS   "true" for a registry without authentication
 * Authentication: DefaultAzureCredential (e.g. after `az login`), with push rights.
 *
 * Run: node uploadDownloadBlob.js
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerRegistryContentClient } from "@azure/container-registry";

async function main() {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const repository = process.env.CONTAINER_REGISTRY_REPOSITORY ?? "samples/blobs";
  const credential = process.env.CONTAINER_REGISTRY_ANONYMOUS === "true" ? undefined : new DefaultAzureCredential();
  const client = new ContainerRegistryContentClient(endpoint, repository, credential);

  // Bytes in memory go up in a single request. Blobs are content-addressed: uploading the same
  // bytes again gives the same digest, so this sample can run any number of times.
  const greeting = Buffer.from("Hello, registry!\n");
  const small = await client.uploadBlob(greeting);
  console.log(`Uploaded ${small.sizeInBytes} B from memory as ${small.digest}`);

  // A stream of unknown length goes up in chunks (`uploadChunkSizeInBytes`, 16 MiB by default).
  const lines = Readable.from(Array.from({ length: 1000 }, (_, i) => `line ${i}\n`));
  const streamed = await client.uploadBlob(lines, {
    onProgress: ({ loadedBytes }) => console.log(`  sent ${loadedBytes} B`),
  });
  console.log(`Uploaded ${streamed.sizeInBytes} B from a stream as ${streamed.digest}`);
  const { sizeInBytes } = await client.getBlobProperties(streamed.digest);
  console.log(`  the registry has it: ${sizeInBytes} B`);

  // Download to a file: the stream verifies the digest as it goes, so the pipeline fails on corruption.
  const directory = await mkdtemp(path.join(tmpdir(), "acr-sample-"));
  try {
    const file = path.join(directory, "blob.txt");
    const download = await client.downloadBlob(streamed.digest);
    await pipeline(download.content, createWriteStream(file));
    const text = await readFile(file, "utf8");
    console.log(`Downloaded ${text.length} B to ${path.basename(file)}, digest verified; last line: ${text.trimEnd().split("\n").pop()}`);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
