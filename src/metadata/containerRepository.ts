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
import * as Mappers from "../generated/models/mappers.js";
import { checkedOperation } from "./checkedOperation.js";
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
      toRepositoryProperties(await checkedOperation(updated, Mappers.ContainerRepositoryProperties, (checked) => this.operations.getProperties(this.name, checked))),
    );
  }

  updateProperties(options: UpdateRepositoryPropertiesOptions): Promise<ContainerRepositoryProperties> {
    return traceOperation("ContainerRepository.updateProperties", options, async (updated) => {
      const value = changedProperties(options ?? {});
      return toRepositoryProperties(
        await checkedOperation(updated, Mappers.ContainerRepositoryProperties, (checked) => this.operations.updateProperties(this.name, { ...checked, value })),
      );
    });
  }

  delete(options: DeleteRepositoryOptions = {}): Promise<void> {
    return traceOperation("ContainerRepository.delete", options, async (updated) => {
      await this.operations.deleteRepository(this.name, updated);
    });
  }

  listManifestProperties(
    options: ListManifestPropertiesOptions = {},
  ): PagedAsyncIterableIterator<ArtifactManifestProperties, ManifestPageResponse> {
    const loginServer = endpointHost(this.registryEndpoint);
    return createPagedIterator(this.registryEndpoint, (nextLink, maxPageSize) =>
      traceOperation("ContainerRepository.listManifestProperties", options, async (updated) => {
        const orderby = toServiceOrder(options.order);
        const response: ContainerRegistryGetManifestsResponse = await checkedOperation(updated, Mappers.AcrManifests, (checked) =>
          nextLink
            ? this.operations.getManifestsNext(this.name, nextLink, checked)
            : this.operations.getManifests(this.name, { ...checked, n: maxPageSize, orderby }),
        );
        const items = (response.manifests ?? []).map((manifest) =>
          toManifestProperties(manifest, response.registryLoginServer || loginServer, response.repository || this.name),
        );
        return { items, link: response.link };
      }),
    );
  }
}
