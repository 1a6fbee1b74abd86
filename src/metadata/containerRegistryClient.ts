import type { OperationOptions } from "@azure/core-client";
import { createHttpHeaders, createPipelineRequest, isRestError } from "@azure/core-rest-pipeline";
import type { PagedAsyncIterableIterator } from "@azure/core-paging";
import type { ContainerRegistryGetRepositoriesResponse } from "../generated/index.js";
import type { ContainerRegistryClientOptions } from "../http/clientOptions.js";
import { ContainerRepositoryImpl, type ContainerRepository } from "./containerRepository.js";
import type { DeleteRepositoryOptions, ListRepositoriesOptions } from "./models.js";
import { createPagedIterator } from "../paging/pagedIterator.js";
import { connectToRegistry, credentialAndOptions, type RegistryCredential, type RegistryConnection } from "../http/registryConnection.js";
import type { RegistryArtifact } from "./registryArtifact.js";
import { traceOperation } from "../diagnostics/tracing.js";
import * as Mappers from "../generated/models/mappers.js";
import { checkedOperation } from "./checkedOperation.js";
import { fetchOciListPage } from "../paging/ociListPage.js";
import { assertRepositoryName } from "../protocol/assertions.js";
import { isSameRegistry, parseImageReference, type ImageReference } from "../protocol/imageReference.js";
import { endpointHost } from "../http/endpoint.js";

/** A page of repository names. */
export interface RepositoryPageResponse extends Array<string> {
  /** Pass to `byPage({ continuationToken })` to resume the listing after this page; absent on the last page. */
  continuationToken?: string;
}

/**
 * The client for a registry's repositories and artifacts: list repositories, inspect and update
 * their properties, delete them, and reach their artifacts and tags.
 *
 * ```ts
 * const client = new ContainerRegistryClient("https://myregistry.azurecr.io", new DefaultAzureCredential());
 * for await (const name of client.listRepositoryNames()) console.log(name);
 * ```
 */
export class ContainerRegistryClient {
  /** The registry endpoint, normalised: `myregistry.azurecr.io` becomes `https://myregistry.azurecr.io`. */
  readonly endpoint: string;
  private readonly connection: RegistryConnection;
  /** Set once the registry answered 404 to ACR's catalog: it only speaks the OCI distribution API. */
  private ociCatalogOnly = false;

  /**
   * @param endpoint - The registry's URL, e.g. `https://myregistry.azurecr.io` (a bare host gets `https://`;
   *   `http://` is accepted for loopback registries such as the emulator).
   * @param credential - An Entra ID credential, e.g. `DefaultAzureCredential`; omit it for anonymous pull access.
   * @param options - Pipeline options, `audience` for national clouds.
   */
  constructor(endpoint: string, credential?: RegistryCredential, options?: ContainerRegistryClientOptions);
  /** Anonymous access. */
  constructor(endpoint: string, options?: ContainerRegistryClientOptions);
  constructor(
    endpoint: string,
    credentialOrOptions?: RegistryCredential | ContainerRegistryClientOptions,
    clientOptions: ContainerRegistryClientOptions = {},
  ) {
    const { credential, options } = credentialAndOptions(credentialOrOptions, clientOptions);
    this.connection = connectToRegistry(endpoint, credential, options);
    this.endpoint = this.connection.endpoint;
  }

  /**
   * Lists the names of the repositories the caller may list, in the order the registry keeps them.
   * On a registry without ACR's `/acr/v1` API (any OCI distribution registry) the OCI catalog
   * `/v2/_catalog` is listed instead.
   */
  listRepositoryNames(options: ListRepositoriesOptions = {}): PagedAsyncIterableIterator<string, RepositoryPageResponse> {
    const operations = this.connection.client.containerRegistry;
    return createPagedIterator(this.endpoint, (nextLink, maxPageSize) =>
      traceOperation("ContainerRegistryClient.listRepositoryNames", options, async (updated) => {
        if (nextLink?.startsWith("/v2/") || (!nextLink && this.ociCatalogOnly)) {
          return this.listOciCatalogPage(nextLink, maxPageSize, updated);
        }
        try {
          const response: ContainerRegistryGetRepositoriesResponse = await checkedOperation(updated, Mappers.Repositories, (checked) =>
            nextLink ? operations.getRepositoriesNext(nextLink, checked) : operations.getRepositories({ ...checked, n: maxPageSize }),
          );
          return { items: response.repositories ?? [], link: response.link };
        } catch (error) {
          if (nextLink || !isRestError(error) || error.statusCode !== 404) throw error;
          this.ociCatalogOnly = true;
          return this.listOciCatalogPage(undefined, maxPageSize, updated);
        }
      }),
    );
  }

  /** One page of the OCI distribution catalog, `GET /v2/_catalog?n=&last=`. */
  private listOciCatalogPage(nextLink: string | undefined, maxPageSize: number | undefined, options: OperationOptions) {
    const send = (url: string, updated: OperationOptions) =>
      this.connection.client.sendRequest(
        createPipelineRequest({
          url,
          method: "GET",
          headers: createHttpHeaders({ Accept: "application/json" }),
          abortSignal: updated.abortSignal,
          tracingOptions: updated.tracingOptions,
        }),
      );
    return fetchOciListPage(send, this.endpoint, { path: "/v2/_catalog", field: "repositories" }, nextLink, maxPageSize, options);
  }

  /** Deletes a repository with all its manifests and tags. A repository already gone is not an error. */
  deleteRepository(repositoryName: string, options: DeleteRepositoryOptions = {}): Promise<void> {
    return traceOperation("ContainerRegistryClient.deleteRepository", options, async (updated) => {
      assertRepositoryName(repositoryName);
      await this.connection.client.containerRegistry.deleteRepository(repositoryName, updated);
    });
  }

  /** A repository of this registry (no request is sent). */
  getRepository(repositoryName: string): ContainerRepository {
    assertRepositoryName(repositoryName);
    return new ContainerRepositoryImpl(this.connection, repositoryName);
  }

  /** An artifact by repository and tag or digest (no request is sent). */
  getArtifact(repositoryName: string, tagOrDigest: string): RegistryArtifact;
  /**
   * An artifact by image reference (no request is sent): `hello:v1`, `team/app@sha256:…`, with or
   * without this client's registry in front (`myregistry.azurecr.io/hello:v1`), or what
   * {@link parseImageReference} returned. Without a tag or digest, `latest`. A reference to another
   * registry is refused with a `RangeError`.
   */
  getArtifact(reference: string | ImageReference): RegistryArtifact;
  getArtifact(repositoryOrReference: string | ImageReference, ...tagOrDigest: [string?]): RegistryArtifact {
    if (tagOrDigest.length > 0) return this.getRepository(repositoryOrReference as string).getArtifact(tagOrDigest[0]!);
    const host = endpointHost(this.endpoint);
    const reference =
      typeof repositoryOrReference === "string" ? parseImageReference(repositoryOrReference, { defaultRegistry: host }) : repositoryOrReference;
    if (typeof reference?.registry !== "string" || !isSameRegistry(reference.registry, host)) {
      throw new RangeError(`The reference names the registry ${String(reference?.registry)}; this client is for ${host}`);
    }
    return this.getRepository(reference.repository).getArtifact(reference.tagOrDigest);
  }
}
