// Code written for @azure/container-registry 1.1.2, the way its README and samples use it: every public
// name and option of 1.1.2. It is type-checked, never run, against this package's built declarations
// (tsconfig.node16.json, tsconfig.bundler.json: `npm run check:compat`) and against src/ (tsconfig.json).
// A line that stops compiling here is a break for 1.1 users: fix the package, not this file.
import { createWriteStream, writeFileSync } from "node:fs";
import { Readable } from "node:stream";
import { AzureAuthorityHosts, DefaultAzureCredential } from "@azure/identity";
import type { PagedAsyncIterableIterator } from "@azure/core-paging";
import {
  type ArtifactManifestOrder,
  type ArtifactManifestPlatform,
  type ArtifactManifestProperties,
  type ArtifactTagOrder,
  type ArtifactTagProperties,
  ContainerRegistryClient,
  type ContainerRegistryClientOptions,
  ContainerRegistryContentClient,
  type ContainerRegistryContentClientOptions,
  type ContainerRepository,
  type ContainerRepositoryProperties,
  type DeleteArtifactOptions,
  type DeleteBlobOptions,
  type DeleteManifestOptions,
  type DeleteRepositoryOptions,
  type DeleteTagOptions,
  DigestMismatchError,
  type DownloadBlobOptions,
  type DownloadBlobResult,
  type GetManifestOptions,
  type GetManifestPropertiesOptions,
  type GetManifestResult,
  type GetRepositoryPropertiesOptions,
  type GetTagPropertiesOptions,
  KnownArtifactArchitecture,
  KnownArtifactOperatingSystem,
  KnownContainerRegistryAudience,
  KnownManifestMediaType,
  type ListManifestPropertiesOptions,
  type ListRepositoriesOptions,
  type ListTagPropertiesOptions,
  type ManifestPageResponse,
  type OciAnnotations,
  type OciDescriptor,
  type OciImageManifest,
  type RegistryArtifact,
  type RepositoryPageResponse,
  type SetManifestOptions,
  type SetManifestResult,
  type TagPageResponse,
  type UpdateManifestPropertiesOptions,
  type UpdateRepositoryPropertiesOptions,
  type UpdateTagPropertiesOptions,
  type UploadBlobOptions,
  type UploadBlobResult,
} from "@azure/container-registry";

const endpoint = "https://myregistryname.azurecr.io";
const abortSignal = new AbortController().signal;

export function createClients(): ContainerRegistryClient[] {
  const options: ContainerRegistryClientOptions = {
    audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
    serviceVersion: "2021-07-01",
    retryOptions: { maxRetries: 2 },
    userAgentOptions: { userAgentPrefix: "my-app" },
  };
  const national = new ContainerRegistryClient(
    "https://myregistryname.azurecr.cn",
    new DefaultAzureCredential({ authorityHost: AzureAuthorityHosts.AzureChina }),
    { audience: KnownContainerRegistryAudience.AzureResourceManagerChina },
  );
  const government = new ContainerRegistryClient(endpoint, new DefaultAzureCredential(), {
    audience: KnownContainerRegistryAudience.AzureResourceManagerGovernment,
  });
  // Deprecated in 1.1, still there.
  const germany: string = KnownContainerRegistryAudience.AzureResourceManagerGermany;
  const anonymous = new ContainerRegistryClient(endpoint, { audience: germany });
  return [new ContainerRegistryClient(endpoint, new DefaultAzureCredential(), options), national, government, anonymous];
}

export async function registryOperations(client: ContainerRegistryClient): Promise<void> {
  const listOptions: ListRepositoriesOptions = { abortSignal };
  const names: PagedAsyncIterableIterator<string, RepositoryPageResponse> = client.listRepositoryNames(listOptions);
  for await (const name of names) console.log(name);
  for await (const page of client.listRepositoryNames().byPage({ maxPageSize: 2, continuationToken: undefined })) {
    const typed: RepositoryPageResponse = page;
    const first: string | undefined = typed[0];
    const next: string | undefined = typed.continuationToken;
    console.log(first, next);
  }
  const deleteOptions: DeleteRepositoryOptions = { abortSignal, tracingOptions: {} };
  await client.deleteRepository("library/hello-world", deleteOptions);
  const endpointOfClient: string = client.endpoint;
  console.log(endpointOfClient);
}

export async function repositoryOperations(client: ContainerRegistryClient): Promise<ArtifactManifestProperties[]> {
  const repository: ContainerRepository = client.getRepository("library/hello-world");
  const registryEndpoint: string = repository.registryEndpoint;
  const name: string = repository.name;
  const getOptions: GetRepositoryPropertiesOptions = { abortSignal };
  const properties: ContainerRepositoryProperties = await repository.getProperties(getOptions);
  const { registryLoginServer, createdOn, lastUpdatedOn, manifestCount, tagCount, canDelete, canList, canRead, canWrite } = properties;
  console.log(registryEndpoint, name, registryLoginServer, createdOn, lastUpdatedOn, manifestCount, tagCount, canDelete, canList, canRead, canWrite);
  const update: UpdateRepositoryPropertiesOptions = { canDelete: false, canWrite: false, canList: true, canRead: true, abortSignal };
  const updated: ContainerRepositoryProperties = await repository.updateProperties(update);
  console.log(updated.canWrite);

  const order: ArtifactManifestOrder = "LastUpdatedOnDescending";
  const listOptions: ListManifestPropertiesOptions = { order, abortSignal };
  const manifests: ArtifactManifestProperties[] = [];
  const iterator: PagedAsyncIterableIterator<ArtifactManifestProperties> = repository.listManifestProperties(listOptions);
  for await (const manifest of iterator) manifests.push(manifest);
  const pages = repository.listManifestProperties({ order: "LastUpdatedOnAscending" }).byPage({ maxPageSize: 1 });
  let result = await pages.next();
  while (!result.done) {
    const page: ManifestPageResponse = result.value;
    for (const manifest of page) describeManifest(manifest);
    console.log(page.continuationToken);
    result = await pages.next();
  }
  await repository.delete({ abortSignal } satisfies DeleteRepositoryOptions);
  return manifests;
}

function describeManifest(manifest: ArtifactManifestProperties): void {
  const platforms: ArtifactManifestPlatform[] = manifest.relatedArtifacts;
  for (const platform of platforms) console.log(platform.digest, platform.architecture, platform.operatingSystem);
  const arm: boolean = manifest.architecture === KnownArtifactArchitecture.Arm64;
  const ios: boolean = manifest.operatingSystem === KnownArtifactOperatingSystem.iOS;
  const linux: boolean = manifest.operatingSystem === KnownArtifactOperatingSystem.Linux;
  const size: number | undefined = manifest.sizeInBytes;
  const tags: string[] = manifest.tags;
  console.log(manifest.registryLoginServer, manifest.repositoryName, manifest.digest, manifest.createdOn, manifest.lastUpdatedOn);
  console.log(arm, ios, linux, size, tags, manifest.canDelete, manifest.canWrite, manifest.canList, manifest.canRead);
}

export async function artifactOperations(client: ContainerRegistryClient): Promise<void> {
  const image: RegistryArtifact = client.getArtifact("library/hello-world", "latest");
  const alsoImage: RegistryArtifact = client.getRepository("library/hello-world").getArtifact("sha256:" + "0".repeat(64));
  console.log(image.registryEndpoint, image.repositoryName, image.fullyQualifiedReference, alsoImage.fullyQualifiedReference);

  const manifestOptions: GetManifestPropertiesOptions = { abortSignal };
  describeManifest(await image.getManifestProperties(manifestOptions));
  const manifestUpdate: UpdateManifestPropertiesOptions = { canDelete: false, canWrite: false, canList: true, canRead: true };
  describeManifest(await image.updateManifestProperties(manifestUpdate));

  const tagOptions: GetTagPropertiesOptions = { abortSignal };
  const tag: ArtifactTagProperties = await image.getTagProperties("latest", tagOptions);
  console.log(tag.registryLoginServer, tag.repositoryName, tag.name, tag.digest, tag.createdOn, tag.lastUpdatedOn, tag.canDelete, tag.canWrite, tag.canList, tag.canRead);
  const tagUpdate: UpdateTagPropertiesOptions = { canWrite: false, canDelete: false, canList: true, canRead: true };
  await image.updateTagProperties("latest", tagUpdate);

  const tagOrder: ArtifactTagOrder = "LastUpdatedOnAscending";
  const listTags: ListTagPropertiesOptions = { order: tagOrder, abortSignal };
  const tags: PagedAsyncIterableIterator<ArtifactTagProperties> = image.listTagProperties(listTags);
  for await (const each of tags) console.log(`${each.registryLoginServer}/${each.repositoryName}:${each.name}`);
  for await (const page of image.listTagProperties().byPage({ maxPageSize: 1 })) {
    const typed: TagPageResponse = page;
    console.log(typed.length, typed.continuationToken);
  }

  const deleteTag: DeleteTagOptions = { abortSignal };
  await image.deleteTag("latest", deleteTag);
  const deleteArtifact: DeleteArtifactOptions = { abortSignal };
  await image.delete(deleteArtifact);
}

export function createContentClient(): ContainerRegistryContentClient {
  const options: ContainerRegistryContentClientOptions = {
    audience: KnownContainerRegistryAudience.AzureResourceManagerPublicCloud,
    serviceVersion: "2021-07-01",
  };
  const client = new ContainerRegistryContentClient(endpoint, "library/hello-world", new DefaultAzureCredential(), options);
  console.log(client.endpoint, client.repositoryName);
  return client;
}

export async function uploadImage(client: ContainerRegistryContentClient): Promise<SetManifestResult> {
  const uploadOptions: UploadBlobOptions = { abortSignal };
  const config: UploadBlobResult = await client.uploadBlob(Buffer.from("Sample config"), uploadOptions);
  const layer = await client.uploadBlob(Readable.from(Buffer.from("Sample layer")));
  const annotations: OciAnnotations = {
    "org.opencontainers.image.created": new Date().toISOString(),
    "org.opencontainers.image.title": "sample",
    "com.example.build": 42,
    "com.example.nested": { any: "value" },
  };
  const layerDescriptor: OciDescriptor = {
    digest: layer.digest,
    size: layer.sizeInBytes,
    mediaType: "application/vnd.oci.image.layer.v1.tar",
    urls: ["https://example.com/layer"],
    annotations,
  };
  const manifest: OciImageManifest = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    artifactType: "application/vnd.example",
    config: { digest: config.digest, size: config.sizeInBytes, mediaType: "application/vnd.oci.image.config.v1+json" },
    layers: [layerDescriptor],
    annotations,
  };
  const setOptions: SetManifestOptions = { tag: "demo", mediaType: KnownManifestMediaType.OciImageManifest, abortSignal };
  await client.setManifest(manifest, setOptions);
  // A plain object, a Buffer and a stream are manifests too.
  const untyped: Record<string, unknown> = { schemaVersion: 2, config: manifest.config, layers: manifest.layers };
  await client.setManifest(untyped, { tag: "untyped" });
  await client.setManifest(Buffer.from(JSON.stringify(manifest)), { mediaType: KnownManifestMediaType.DockerManifest });
  return client.setManifest(Readable.from(Buffer.from(JSON.stringify(manifest))));
}

export async function downloadImage(client: ContainerRegistryContentClient): Promise<void> {
  const getOptions: GetManifestOptions = { abortSignal };
  const result: GetManifestResult = await client.getManifest("demo", getOptions);
  if (result.mediaType !== KnownManifestMediaType.OciImageManifest) throw new Error("Expected an OCI image manifest");
  const anyManifest: Record<string, unknown> = result.manifest;
  console.log(Object.keys(anyManifest), result.digest);
  const manifest = result.manifest as OciImageManifest;
  writeFileSync("manifest.json", result.content);
  const created: unknown = manifest.annotations?.["com.example.build"];
  const title: string | undefined = manifest.annotations?.["org.opencontainers.image.title"];
  console.log(created, title);

  const downloadOptions: DownloadBlobOptions = { abortSignal };
  const config: DownloadBlobResult = await client.downloadBlob(manifest.config.digest, downloadOptions);
  config.content.pipe(createWriteStream("config.json"));
  for (const layer of manifest.layers) {
    const download = await client.downloadBlob(layer.digest);
    download.content.on("error", (error) => {
      if (error instanceof DigestMismatchError) console.error(`corrupt layer ${download.digest}: ${error.message}`);
    });
    download.content.pipe(createWriteStream(layer.digest.slice("sha256:".length)));
  }
}

export async function deleteContent(client: ContainerRegistryContentClient): Promise<void> {
  const result = await client.getManifest("latest");
  for (const layer of (result.manifest as OciImageManifest).layers) {
    const options: DeleteBlobOptions = { abortSignal };
    await client.deleteBlob(layer.digest, options);
  }
  const options: DeleteManifestOptions = { abortSignal };
  await client.deleteManifest(result.digest, options);
  const error: Error = new DigestMismatchError("digest mismatch");
  console.log(error.name);
}
