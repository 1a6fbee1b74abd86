/**
 * Push an image (a config, two layers and the manifest that ties them together, under a tag),
 * then pull it back: the manifest by tag, then each blob it references, every digest verified.
 * The layers are real gzipped tar archives (of one text file each), so container tools can pull
 * and unpack the image. It stays in the registry; pushing it again changes nothing.
 *
 * Environment:
 *   CONTAINER_REGISTRY_ENDPOINT    the registry, e.g. https://myregistry.azurecr.io (or any OCI registry)
 *   CONTAINER_REGISTRY_REPOSITORY  repository to push to (default "samples/image")
 *   CONTAINER_REGISTRY_TAG         tag to push (default "v1")
 *   CONTAINER_REGISTRY_ANONYMOUS   "true" for a registry without authentication
 * Authentication: DefaultAzureCredential (e.g. after `az login`), with push rights.
 *
 * Run: npx tsx src/uploadDownloadImage.ts
 */
import { createHash } from "node:crypto";
import { buffer } from "node:stream/consumers";
import { gunzipSync, gzipSync } from "node:zlib";
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerRegistryContentClient, KnownManifestMediaType, type OciDescriptor, type OciImageManifest } from "@azure/container-registry";

const sha256 = (bytes: Buffer): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/** A tar archive holding one file: what an image layer contains (build tools make these). */
function tarOf(fileName: string, text: string): Buffer {
  const data = Buffer.from(text);
  const header = Buffer.alloc(512); // ustar: NUL-terminated ASCII fields, numbers in octal
  header.write(fileName, 0);
  header.write("0000644", 100); // mode
  header.write(data.length.toString(8).padStart(11, "0"), 124); // size
  header.write("0", 156); // type: regular file
  header.write("ustar\u000000", 257);
  header.fill(" ", 148, 156); // the checksum covers the header with its own field as spaces
  header.write(`${header.reduce((sum, byte) => sum + byte, 0).toString(8).padStart(6, "0")}\0`, 148);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024)]); // two empty blocks end an archive
}

async function main(): Promise<void> {
  const endpoint = process.env.CONTAINER_REGISTRY_ENDPOINT;
  if (!endpoint) throw new Error("Set CONTAINER_REGISTRY_ENDPOINT, e.g. https://myregistry.azurecr.io");
  const repository = process.env.CONTAINER_REGISTRY_REPOSITORY ?? "samples/image";
  const tag = process.env.CONTAINER_REGISTRY_TAG ?? "v1";
  const credential = process.env.CONTAINER_REGISTRY_ANONYMOUS === "true" ? undefined : new DefaultAzureCredential();
  const client = new ContainerRegistryContentClient(endpoint, repository, credential);

  // Push the blobs first: the registry refuses a manifest that references a blob it does not have.
  const layers: OciDescriptor[] = [];
  const diffIds: string[] = [];
  for (const [fileName, text] of [["hello.txt", "Hello"], ["world.txt", "world"]]) {
    const tar = tarOf(fileName, `${text}\n`);
    const { digest, sizeInBytes } = await client.uploadBlob(gzipSync(tar));
    layers.push({ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest, size: sizeInBytes });
    diffIds.push(sha256(tar)); // the config lists each layer by the digest of its uncompressed tar
    console.log(`Pushed layer ${digest} (${sizeInBytes} B, ${fileName})`);
  }
  const imageConfig = { architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: diffIds } };
  const config = await client.uploadBlob(Buffer.from(JSON.stringify(imageConfig)));
  console.log(`Pushed config ${config.digest} (${config.sizeInBytes} B)`);

  const manifest: OciImageManifest = {
    schemaVersion: 2,
    mediaType: KnownManifestMediaType.OciImageManifest,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config.digest, size: config.sizeInBytes },
    layers,
    annotations: { "org.opencontainers.image.title": "Azure SDK sample image" },
  };
  const pushed = await client.setManifest(manifest, { tag });
  console.log(`Pushed ${repository}:${tag} as ${pushed.digest}`);

  // Pull: getManifest checks the manifest's bytes against its digest; each blob download checks
  // its bytes against the blob's digest as they stream.
  const pulled = await client.getManifest(tag);
  if (!("layers" in pulled.manifest)) throw new Error(`${repository}:${tag} is not an image but ${pulled.mediaType}`);
  console.log(`Pulled ${repository}:${tag}: ${pulled.mediaType}, ${pulled.digest}`);
  const download = async (digest: string): Promise<Buffer> => buffer((await client.downloadBlob(digest)).content);
  const pulledConfig = JSON.parse((await download(pulled.manifest.config.digest)).toString());
  console.log(`  config: ${pulledConfig.os}/${pulledConfig.architecture}`);
  for (const [index, layer] of pulled.manifest.layers.entries()) {
    const tar = gunzipSync(await download(layer.digest));
    // A layer's digest covers its compressed bytes; the config's diff_id covers the tar inside.
    if (sha256(tar) !== pulledConfig.rootfs.diff_ids[index]) throw new Error(`Layer ${layer.digest} does not match its diff_id`);
    const fileName = tar.subarray(0, 100).toString().replace(/\0+$/, "");
    console.log(`  layer ${layer.digest}: ${fileName} (${tar.length} B unpacked), diff_id verified`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
