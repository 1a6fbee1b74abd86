// This library, used as its README shows: a content client per repository, file paths for
// uploads, copyArtifact between registries and OCI image layouts.
import { readFileSync } from "node:fs";
import { ContainerRegistryContentClient, copyArtifact, OciImageLayout } from "@azure/container-registry";
import { sdkOperations } from "./sdk.mjs";

export async function open({ endpoint, repo, ca, copyEndpoint, destRepo }) {
  // Anonymous registry: no credential. A self-signed registry is trusted through tlsOptions.
  const options = ca ? { tlsOptions: { ca: readFileSync(ca) } } : {};
  const client = new ContainerRegistryContentClient(endpoint, repo, options);
  // BENCH_COPY_CONCURRENCY measures copyArtifact's other settings (the default is what it ships with).
  const concurrency = Number(process.env.BENCH_COPY_CONCURRENCY);
  const copyOptions = concurrency > 0 ? { concurrency } : {};
  const blobs = (result) => ({ blobs: result.blobs.copied.length + result.blobs.mounted.length + result.blobs.skipped.length });
  return {
    // What `skopeo copy docker://... oci:DIR:TAG` does: the image into a new OCI layout folder.
    pullLayout: async ({ tag, outDir }) => blobs(await copyArtifact(client, tag, new OciImageLayout(outDir), copyOptions)),
    // What `skopeo copy oci:DIR:TAG docker://...` does.
    pushLayout: async ({ layoutDir, tag }) => blobs(await copyArtifact(new OciImageLayout(layoutDir), tag, client, copyOptions)),
    // What `skopeo copy docker://A docker://B` does: registry to registry, nothing on disk.
    copy: async ({ tag }) => blobs(await copyArtifact(client, tag, new ContainerRegistryContentClient(copyEndpoint, destRepo, options), copyOptions)),
    ...sdkOperations({
      uploadFile: async (file) => (await client.uploadBlob(file)).digest,
      downloadBlob: async (digest) => (await client.downloadBlob(digest)).content,
      getManifest: async (tag) => (await client.getManifest(tag)).manifest,
      setManifest: (bytes, tag, mediaType) => client.setManifest(bytes, { tag, mediaType }),
    }),
    // The OCI tags API, with the largest page asked for; the iterator follows Link headers.
    async tags({ pageSize }) {
      let tags = 0;
      for await (const page of client.listTagNames().byPage({ maxPageSize: pageSize })) tags += page.length;
      return { tags };
    },
  };
}
