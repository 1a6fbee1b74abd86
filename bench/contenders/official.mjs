// The official @azure/container-registry 1.1.2 (installed as "official"). It needs a credential
// even for an anonymous registry; it never asks this one for a token, as no request is challenged.
import { createReadStream } from "node:fs";
import { ContainerRegistryContentClient } from "official";
import { sdkOperations } from "./sdk.mjs";

const anonymous = {
  getToken: async () => {
    throw new Error("the benchmark registry is anonymous: no token should be requested");
  },
};

export async function open({ endpoint, repo }) {
  // Trusts the registry's self-signed certificate through NODE_EXTRA_CA_CERTS (set by the runner).
  const client = new ContainerRegistryContentClient(endpoint, repo, anonymous);
  return sdkOperations({
    // It takes streams and buffers, not file paths.
    uploadFile: async (file) => (await client.uploadBlob(createReadStream(file))).digest,
    downloadBlob: async (digest) => (await client.downloadBlob(digest)).content,
    getManifest: async (tag) => (await client.getManifest(tag)).manifest,
    setManifest: (bytes, tag, mediaType) => client.setManifest(bytes, { tag, mediaType }),
  });
}
