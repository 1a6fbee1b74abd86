import type { PagedAsyncIterableIterator } from "@azure/core-paging";
import type { ContainerRegistryGetManifestsResponse } from "../generated/index.js";
import type {
  ArtifactManifestProperties,
  ContainerRepositoryProperties,
  DeleteRepositoryOptions,
  GetRepositoryPropertiesOptions,
  ListManifestPropertiesOptions,
  UpdateRepositoryPropertiesOptions,
} from "./models.js";
import { createPagedIterator } from "../paging/pagedIterator.js";
import type { RegistryConnection } from "../http/registryConnection.js";
import { RegistryArtifactImpl, type RegistryArtifact } from "./registryArtifact.js";
import { traceOperation } from "../diagnostics/tracing.js";
import { changedProperties, toManifestProperties, toRepositoryProperties, toServiceOrder } from "./transformations.js";
import { endpointHost } from "../http/endpoint.js";
import { assertTagOrDigest } from "../protocol/assertions.js";

/** A page of manifest properties. */
export interface ManifestPageResponse extends Array<ArtifactManifestProperties> {
  /** Pass to `byPage({ continuationToken })` to resume the listing after this page; absent on the last page. */
  continuationToken?: string;
}

/** A repository of a registry. Obtained from {@link ContainerRegistryClient.getRepository}. */
export interface ContainerRepository {
  /** The registry endpoint, e.g. `https://myregistry.azurecr.io`. */
  readonly registryEndpoint: string;
  /** The repository name, e.g. `library/hello-world`. */
  readonly name: string;
  /** An artifact of this repository by tag or digest (no request is sent). */
  getArtifact(tagOrDigest: string): RegistryArtifact;
  /** The repository's properties: counts, timestamps and access attributes. */
  getProperties(options?: GetRepositoryPropertiesOptions): Promise<ContainerRepositoryProperties>;
  /** Changes the repository's access attributes; attributes not given keep their values. */
  updateProperties(options: UpdateRepositoryPropertiesOptions): Promise<ContainerRepositoryProperties>;
  /** Deletes the repository with all its manifests and tags. A repository already gone is not an error. */
  delete(options?: DeleteRepositoryOptions): Promise<void>;
  /** Lists the manifests of this repository, optionally ordered by last update. */
  listManifestProperties(
    options?: ListManifestPropertiesOptions,
  ): PagedAsyncIterableIterator<ArtifactManifestProperties, ManifestPageResponse>;
}

/** @internal */
export class ContainerRepositoryImpl implements ContainerRepository {
  readonly registryEndpoint: string;

  constructor(
    private readonly connection: RegistryConnection,
    readonly name: string,
  ) {
    this.registryEndpoint = connection.endpoint;
  }

  private get operations() {
    return this.connection.client.containerRegistry;
  }

  getArtifact(tagOrDigest: string): RegistryArtifact {
    assertTagOrDigest(tagOrDigest);
    return new RegistryArtifactImpl(this.connection, this.name, tagOrDigest);
  }

  getProperties(options: GetRepositoryPropertiesOptions = {}): Promise<ContainerRepositoryProperties> {
    return traceOperation("ContainerRepository.getProperties", options, async (updated) =>
      toRepositoryProperties(await this.operations.getProperties(this.name, updated)),
    );
  }

  updateProperties(options: UpdateRepositoryPropertiesOptions): Promise<ContainerRepositoryProperties> {
    const value = changedProperties(options ?? {});
    return traceOperation("ContainerRepository.updateProperties", options ?? {}, async (updated) =>
      toRepositoryProperties(await this.operations.updateProperties(this.name, { ...updated, value })),
    );
  }

  delete(options: DeleteRepositoryOptions = {}): Promise<void> {
    return traceOperation("ContainerRepository.delete", options, (updated) =>
      this.operations.deleteRepository(this.name, updated),
    );
  }

  listManifestProperties(
    options: ListManifestPropertiesOptions = {},
  ): PagedAsyncIterableIterator<ArtifactManifestProperties, ManifestPageResponse> {
    const orderby = toServiceOrder(options.order);
    const loginServer = endpointHost(this.registryEndpoint);
    return createPagedIterator(this.registryEndpoint, (nextLink, maxPageSize) =>
      traceOperation("ContainerRepository.listManifestProperties", options, async (updated) => {
        const response: ContainerRegistryGetManifestsResponse = nextLink
          ? await this.operations.getManifestsNext(this.name, nextLink, updated)
          : await this.operations.getManifests(this.name, { ...updated, n: maxPageSize, orderby });
        const items = (response.manifests ?? []).map((manifest) =>
          toManifestProperties(manifest, response.registryLoginServer || loginServer, response.repository || this.name),
        );
        return { items, link: response.link };
      }),
    );
  }
}
