import { createDefaultHttpClient } from "@azure/core-rest-pipeline";
import { connectToRegistry, credentialAndOptions, type RegistryCredential } from "../http/registryConnection.js";
import type { ImageReference } from "../protocol/imageReference.js";
import { assertRepositoryName } from "../protocol/assertions.js";
import { DEFAULT_IDLE_TIMEOUT_MS } from "../transfer/idleTimer.js";
import { retrySettings } from "../transfer/retryBackoff.js";
import { DEFAULT_UPLOAD_CHUNK_BYTES } from "../transfer/upload.js";
import { assertSize } from "../transfer/uploadSource.js";
import type { ContainerRegistryContentClientOptions } from "./models.js";
import { repositoryTarget, type RepositoryTarget } from "./repositoryTarget.js";

/** What follows the endpoint (or the image reference) in ContainerRegistryContentClient's constructor overloads. */
export type ClientArguments = [
  (string | RegistryCredential | ContainerRegistryContentClientOptions)?,
  (RegistryCredential | ContainerRegistryContentClientOptions)?,
  ContainerRegistryContentClientOptions?,
];

/** Sorts out the constructor's arguments, checks them, and connects to the registry (nothing is sent yet). */
export function setUpClient(
  endpointOrReference: string | ImageReference,
  rest: ClientArguments,
): { endpoint: string; repositoryName: string; chunkSizeInBytes: number; target: RepositoryTarget } {
  const byReference = typeof endpointOrReference === "object" && endpointOrReference !== null;
  const endpoint = byReference ? endpointOrReference.endpoint : endpointOrReference;
  const repositoryName = byReference ? endpointOrReference.repository : rest.shift();
  const [credentialOrOptions, clientOptions] = rest as [RegistryCredential | ContainerRegistryContentClientOptions | undefined, ContainerRegistryContentClientOptions | undefined];
  assertRepositoryName(repositoryName);
  const { credential, options } = credentialAndOptions(credentialOrOptions, clientOptions);
  const { uploadChunkSizeInBytes, idleTimeoutInMs, ...registryOptions } = options;
  assertSize(uploadChunkSizeInBytes, "uploadChunkSizeInBytes");
  assertSize(idleTimeoutInMs, "idleTimeoutInMs");
  if (uploadChunkSizeInBytes === 0) throw new RangeError("uploadChunkSizeInBytes must be positive");
  // One HttpClient for every pipeline of this client: one connection pool, and playback sees all requests.
  const httpClient = registryOptions.httpClient ?? createDefaultHttpClient();
  const connection = connectToRegistry(endpoint, credential, { ...registryOptions, httpClient });
  return {
    endpoint: connection.endpoint,
    repositoryName,
    chunkSizeInBytes: uploadChunkSizeInBytes ?? DEFAULT_UPLOAD_CHUNK_BYTES,
    target: repositoryTarget(connection, httpClient, registryOptions, repositoryName, {
      idleTimeoutInMs: idleTimeoutInMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      retry: retrySettings(registryOptions.retryOptions),
    }),
  };
}
