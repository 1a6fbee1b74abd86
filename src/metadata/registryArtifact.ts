import type { PagedAsyncIterableIterator } from "@azure/core-paging";
import type { OperationOptions } from "@azure/core-client";
import type { ContainerRegistryGetTagsResponse } from "../generated/index.js";
import type {
  ArtifactManifestProperties,
  ArtifactTagProperties,
  DeleteArtifactOptions,
  DeleteTagOptions,
  GetManifestPropertiesOptions,
  GetTagPropertiesOptions,
  ListTagPropertiesOptions,
  UpdateManifestPropertiesOptions,
  UpdateTagPropertiesOptions,
} from "./models.js";
import { createPagedIterator } from "../paging/pagedIterator.js";
import type { RegistryConnection } from "../http/registryConnection.js";
import { traceOperation } from "../diagnostics/tracing.js";
import * as Mappers from "../generated/models/mappers.js";
import { canonicalDigest } from "../protocol/grammar.js";
import { checkedOperation } from "./checkedOperation.js";
import { changedProperties, toManifestProperties, toServiceOrder, toTagProperties } from "./transformations.js";
import { endpointHost } from "../http/endpoint.js";
import { assertTag, isDigest } from "../protocol/assertions.js";

/** A page of tag properties. */
export interface TagPageResponse extends Array<ArtifactTagProperties> {
  /** Pass to `byPage({ continuationToken })` to resume the listing after this page; absent on the last page. */
  continuationToken?: string;
}

/**
 * An artifact (image, index or other OCI artifact) in a repository, addressed by tag or digest.
 * Obtained from `ContainerRegistryClient.getArtifact` or {@link ContainerRepository.getArtifact}.
 */
export interface RegistryArtifact {
  /** The registry endpoint, e.g. `https://myregistry.azurecr.io`. */
  readonly registryEndpoint: string;
  /** The repository holding the artifact. */
  readonly repositoryName: string;
  /** `<login server>/<repository>:<tag>` or `<login server>/<repository>@<digest>`. */
  readonly fullyQualifiedReference: string;
  /** Deletes the manifest (and so every tag pointing at it). A manifest already gone is not an error. */
  delete(options?: DeleteArtifactOptions): Promise<void>;
  /** Deletes one tag; the manifest stays. A tag already gone is not an error. */
  deleteTag(tag: string, options?: DeleteTagOptions): Promise<void>;
  /** Properties of the artifact's manifest (a tag is resolved to its digest first). */
  getManifestProperties(options?: GetManifestPropertiesOptions): Promise<ArtifactManifestProperties>;
  /** Changes the manifest's access attributes; attributes not given keep their values. */
  updateManifestProperties(options: UpdateManifestPropertiesOptions): Promise<ArtifactManifestProperties>;
  /** Properties of one tag of the repository. */
  getTagProperties(tag: string, options?: GetTagPropertiesOptions): Promise<ArtifactTagProperties>;
  /** Changes a tag's access attributes; attributes not given keep their values. */
  updateTagProperties(tag: string, options: UpdateTagPropertiesOptions): Promise<ArtifactTagProperties>;
  /** Lists the tags that point at this artifact's manifest (and only those). */
  listTagProperties(options?: ListTagPropertiesOptions): PagedAsyncIterableIterator<ArtifactTagProperties, TagPageResponse>;
}

/** @internal */
export class RegistryArtifactImpl implements RegistryArtifact {
  readonly registryEndpoint: string;
  readonly fullyQualifiedReference: string;

  constructor(
    private readonly connection: RegistryConnection,
    readonly repositoryName: string,
    private readonly tagOrDigest: string,
  ) {
    this.registryEndpoint = connection.endpoint;
    const separator = isDigest(tagOrDigest) ? "@" : ":";
    this.fullyQualifiedReference = `${endpointHost(connection.endpoint)}/${repositoryName}${separator}${tagOrDigest}`;
  }

  private get operations() {
    return this.connection.client.containerRegistry;
  }

  private get loginServer(): string {
    return endpointHost(this.registryEndpoint);
  }

  /** A tag is resolved on every call: tags move, so a cached digest could name the wrong manifest. */
  private async resolveDigest(options: OperationOptions): Promise<string> {
    if (isDigest(this.tagOrDigest)) return this.tagOrDigest;
    const tag = await checkedOperation(options, Mappers.ArtifactTagProperties, (checked) =>
      this.operations.getTagProperties(this.repositoryName, this.tagOrDigest, checked),
    );
    return canonicalDigest(tag.digest);
  }

  delete(options: DeleteArtifactOptions = {}): Promise<void> {
    return traceOperation("RegistryArtifact.delete", options, async (updated) => {
      const digest = await this.resolveDigest(updated);
      await this.operations.deleteManifest(this.repositoryName, digest, updated);
    });
  }

  deleteTag(tag: string, options: DeleteTagOptions = {}): Promise<void> {
    return traceOperation("RegistryArtifact.deleteTag", options, async (updated) => {
      assertTag(tag);
      await this.operations.deleteTag(this.repositoryName, tag, updated);
    });
  }

  getManifestProperties(options: GetManifestPropertiesOptions = {}): Promise<ArtifactManifestProperties> {
    return traceOperation("RegistryArtifact.getManifestProperties", options, async (updated) => {
      const digest = await this.resolveDigest(updated);
      const properties = await checkedOperation(updated, Mappers.ArtifactManifestProperties, (checked) =>
        this.operations.getManifestProperties(this.repositoryName, digest, checked),
      );
      return toManifestProperties(properties, this.loginServer, this.repositoryName);
    });
  }

  updateManifestProperties(options: UpdateManifestPropertiesOptions): Promise<ArtifactManifestProperties> {
    return traceOperation("RegistryArtifact.updateManifestProperties", options, async (updated) => {
      const value = changedProperties(options ?? {});
      const digest = await this.resolveDigest(updated);
      const properties = await checkedOperation(updated, Mappers.ArtifactManifestProperties, (checked) =>
        this.operations.updateManifestProperties(this.repositoryName, digest, { ...checked, value }),
      );
      return toManifestProperties(properties, this.loginServer, this.repositoryName);
    });
  }

  getTagProperties(tag: string, options: GetTagPropertiesOptions = {}): Promise<ArtifactTagProperties> {
    return traceOperation("RegistryArtifact.getTagProperties", options, async (updated) => {
      assertTag(tag);
      const properties = await checkedOperation(updated, Mappers.ArtifactTagProperties, (checked) =>
        this.operations.getTagProperties(this.repositoryName, tag, checked),
      );
      return toTagProperties(properties, this.loginServer, this.repositoryName);
    });
  }

  updateTagProperties(tag: string, options: UpdateTagPropertiesOptions): Promise<ArtifactTagProperties> {
    return traceOperation("RegistryArtifact.updateTagProperties", options, async (updated) => {
      assertTag(tag);
      const value = changedProperties(options ?? {});
      const properties = await checkedOperation(updated, Mappers.ArtifactTagProperties, (checked) =>
        this.operations.updateTagAttributes(this.repositoryName, tag, { ...checked, value }),
      );
      return toTagProperties(properties, this.loginServer, this.repositoryName);
    });
  }

  listTagProperties(options: ListTagPropertiesOptions = {}): PagedAsyncIterableIterator<ArtifactTagProperties, TagPageResponse> {
    let digest: string | undefined;
    return createPagedIterator(this.registryEndpoint, (nextLink, maxPageSize) =>
      traceOperation("RegistryArtifact.listTagProperties", options, async (updated) => {
        const orderby = toServiceOrder(options.order);
        digest ??= await this.resolveDigest(updated);
        const response: ContainerRegistryGetTagsResponse = await checkedOperation(updated, Mappers.TagList, (checked) =>
          nextLink
            ? this.operations.getTagsNext(this.repositoryName, nextLink, checked)
            : this.operations.getTags(this.repositoryName, { ...checked, n: maxPageSize, orderby, digest }),
        );
        // The service filters by digest; filtering here too keeps the contract on registries that ignore it.
        const items = (response.tagAttributeBases ?? [])
          .filter((tag) => canonicalDigest(tag.digest) === digest)
          .map((tag) => toTagProperties(tag, response.registryLoginServer || this.loginServer, this.repositoryName));
        return { items, link: response.link };
      }),
    );
  }
}
