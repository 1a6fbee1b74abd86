// This library, used as its README shows: a content client per repository, file paths for uploads.
import { readFileSync } from "node:fs";
import { ContainerRegistryContentClient } from "@azure/container-registry";
import { sdkOperations } from "./sdk.mjs";

export async function open({ endpoint, repo, ca }) {
  // Anonymous registry: no credential. A self-signed registry is trusted through tlsOptions.
  const client = new ContainerRegistryContentClient(endpoint, repo, ca ? { tlsOptions: { ca: readFileSync(ca) } } : {});
  return {
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
