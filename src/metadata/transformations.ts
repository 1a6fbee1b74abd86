// Maps the generated layer's models to the public ones: stable names, arrays that are never
// undefined, and the registry/repository names that list responses carry once per page.
import type {
  ArtifactManifestProperties as GeneratedManifestProperties,
  ArtifactTagProperties as GeneratedTagProperties,
  ContainerRepositoryProperties as GeneratedRepositoryProperties,
  ManifestAttributesBase,
  TagAttributesBase,
} from "../generated/index.js";
import type {
  ArtifactManifestOrder,
  ArtifactManifestProperties,
  ArtifactTagOrder,
  ArtifactTagProperties,
  ContainerRepositoryProperties,
  WritableRegistryItemProperties,
} from "./models.js";
import { canonicalDigest } from "../protocol/grammar.js";

function writableProperties(source: WritableRegistryItemProperties): WritableRegistryItemProperties {
  return { canDelete: source.canDelete, canWrite: source.canWrite, canList: source.canList, canRead: source.canRead };
}

/** The attributes to PATCH: only those the caller set, so the others keep their values. */
export function changedProperties(options: WritableRegistryItemProperties): WritableRegistryItemProperties {
  const changes: WritableRegistryItemProperties = {};
  for (const key of ["canDelete", "canWrite", "canList", "canRead"] as const) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== "boolean") throw new TypeError(`${key} must be a boolean, got ${typeof value}`);
    changes[key] = value;
  }
  return changes;
}

export function toRepositoryProperties(generated: GeneratedRepositoryProperties): ContainerRepositoryProperties {
  return {
    registryLoginServer: generated.registryLoginServer,
    name: generated.name,
    createdOn: generated.createdOn,
    lastUpdatedOn: generated.lastUpdatedOn,
    manifestCount: generated.manifestCount,
    tagCount: generated.tagCount,
    ...writableProperties(generated),
  };
}

/** Where an item lives: single-item responses name the registry and repository, list items take the page's. */
function itemLocation(
  generated: { registryLoginServer?: string; repositoryName?: string } | object,
  registryLoginServer: string,
  repositoryName: string,
): { registryLoginServer: string; repositoryName: string } {
  const named = generated as { registryLoginServer?: string; repositoryName?: string };
  return { registryLoginServer: named.registryLoginServer || registryLoginServer, repositoryName: named.repositoryName || repositoryName };
}

export function toManifestProperties(
  generated: GeneratedManifestProperties | ManifestAttributesBase,
  registryLoginServer: string,
  repositoryName: string,
): ArtifactManifestProperties {
  return {
    ...itemLocation(generated, registryLoginServer, repositoryName),
    digest: canonicalDigest(generated.digest),
    sizeInBytes: generated.size,
    createdOn: generated.createdOn,
    lastUpdatedOn: generated.lastUpdatedOn,
    architecture: generated.architecture ?? undefined,
    operatingSystem: generated.operatingSystem ?? undefined,
    mediaType: generated.mediaType,
    configMediaType: generated.configMediaType,
    relatedArtifacts: (generated.relatedArtifacts ?? []).map((platform) => ({
      digest: canonicalDigest(platform.digest),
      architecture: platform.architecture ?? undefined,
      operatingSystem: platform.operatingSystem ?? undefined,
    })),
    tags: generated.tags ?? [],
    ...writableProperties(generated),
  };
}

export function toTagProperties(
  generated: GeneratedTagProperties | TagAttributesBase,
  registryLoginServer: string,
  repositoryName: string,
): ArtifactTagProperties {
  return {
    ...itemLocation(generated, registryLoginServer, repositoryName),
    name: generated.name,
    digest: canonicalDigest(generated.digest),
    createdOn: generated.createdOn,
    lastUpdatedOn: generated.lastUpdatedOn,
    ...writableProperties(generated),
  };
}

const SERVICE_ORDER: Record<ArtifactManifestOrder | ArtifactTagOrder, string> = {
  LastUpdatedOnDescending: "timedesc",
  LastUpdatedOnAscending: "timeasc",
};

/** The service's `orderby` value for a public order; undefined keeps the service default. */
export function toServiceOrder(order: ArtifactManifestOrder | ArtifactTagOrder | undefined): string | undefined {
  if (order === undefined) return undefined;
  const value = SERVICE_ORDER[order];
  if (!value) {
    throw new RangeError(`order must be "LastUpdatedOnDescending" or "LastUpdatedOnAscending", got "${String(order)}"`);
  }
  return value;
}
