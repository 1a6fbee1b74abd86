/**
 * Push and pull on any OCI registry (Azure Container Registry, Docker Hub, GHCR, Harbor, a
 * registry of your own) with the credentials `docker login` or `az acr login` stored, or with a
 * username and password: an artifact (a text file) is pushed under the tag of an image reference,
 * then pulled back by that reference.
 *
 * Environment:
 *   CONTAINER_REGISTRY_IMAGE     an image reference to push to, e.g. ghcr.io/owner/hello:v1 or
 *                                myregistry.azurecr.io/samples/hello:v1
 *   CONTAINER_REGISTRY_ENDPOINT  the registry's endpoint, when it is not https://<registry of the
 *                                reference> (e.g. http://localhost:5000)
 *   CONTAINER_REGISTRY_USERNAME  with CONTAINER_REGISTRY_PASSWORD: a username and password or token
 *                                (ACR admin user or repository token, Docker Hub or GHCR access token)
 * Authentication: the username and password when set, else Docker's credentials
 * ($DOCKER_CONFIG/config.json or ~/.docker/config.json, credential helpers included).
 *
 * Run: node anyRegistry.js
 */
import { buffer } from "node:stream/consumers";
import {
  AzureNamedKeyCredential,
  ContainerRegistryContentClient,
  DockerConfigCredential,
  KnownManifestMediaType,
  parseImageReference,
} from "@azure/container-registry";

async function main() {
  const image = process.env.CONTAINER_REGISTRY_IMAGE;
  if (!image) throw new Error("Set CONTAINER_REGISTRY_IMAGE, e.g. ghcr.io/owner/hello:v1");
  const reference = parseImageReference(image);
  const { CONTAINER_REGISTRY_USERNAME: username, CONTAINER_REGISTRY_PASSWORD: password } = process.env;
  const credential = username && password ? new AzureNamedKeyCredential(username, password) : new DockerConfigCredential();
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT ?? reference.endpoint;
  const client = new ContainerRegistryContentClient(endpoint, reference.repository, credential);

  // An artifact: a text file as its only layer, and OCI's empty config.
  const text = await client.uploadBlob(Buffer.from(`Hello from ${reference.registry}\n`));
  const empty = await client.uploadBlob(Buffer.from("{}"));
  const manifest = {
    schemaVersion: 2,
    mediaType: KnownManifestMediaType.OciImageManifest,
    artifactType: "application/vnd.example.hello.v1",
    config: { mediaType: "application/vnd.oci.empty.v1+json", digest: empty.digest, size: empty.sizeInBytes },
    layers: [{ mediaType: "text/plain", digest: text.digest, size: text.sizeInBytes }],
  };
  const pushed = await client.setManifest(manifest, { tag: reference.tag ?? "latest" });
  console.log(`Pushed ${reference.registry}/${reference.repository}:${reference.tag ?? "latest"} as ${pushed.digest}`);

  // Pull it back by the reference: its digest if it names one, else its tag.
  const pulled = await client.getManifest(reference.tagOrDigest);
  if (!("layers" in pulled.manifest)) throw new Error(`${image} is not an artifact but ${pulled.mediaType}`);
  const { content } = await client.downloadBlob(pulled.manifest.layers[0].digest);
  console.log(`Pulled ${pulled.digest}: ${(await buffer(content)).toString("utf8").trim()}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
