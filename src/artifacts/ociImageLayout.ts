import path from "node:path";
import type { GetManifestOptions, GetManifestResult } from "../content/models.js";
import { selectPlatformManifest } from "../content/platformSelection.js";
import { assertDigest, assertTagOrDigest } from "../protocol/assertions.js";
import { assertPlatformSelector } from "../protocol/platform.js";
import { sourceReader } from "./copyPlan.js";
import { OciLayoutStore } from "./ociLayoutStore.js";

const stores = new WeakMap<OciImageLayout, OciLayoutStore>();

/** The store behind a layout, for the copy engine. */
export function layoutStore(layout: OciImageLayout): OciLayoutStore {
  return stores.get(layout)!;
}

/**
 * An OCI image layout: a folder holding `oci-layout`, `index.json` and `blobs/<alg>/<hex>`, the
 * format `skopeo copy ... oci:DIR:TAG`, `oras copy --to-oci-layout`, buildah and containerd read
 * and write. Tags are the `org.opencontainers.image.ref.name` annotations of `index.json`.
 *
 * Pass it to {@link copyArtifact} as a source or a destination. Nothing is read or written when it
 * is created; a copy into a folder that does not exist (or is empty) makes it a layout, and a copy
 * never writes into a folder that holds anything else.
 */
export class OciImageLayout {
  /** The layout's folder, as an absolute path. */
  readonly directory: string;

  /**
   * @param directory - The layout's folder (relative paths are resolved against the working directory).
   */
  constructor(directory: string) {
    if (typeof directory !== "string" || directory === "") throw new TypeError("directory must be a non-empty string");
    this.directory = path.resolve(directory);
    stores.set(this, new OciLayoutStore(this.directory));
  }

  /**
   * The tags of the layout, sorted.
   * @throws InvalidOciLayoutError when the folder is not an OCI image layout.
   */
  async listTags(): Promise<string[]> {
    return layoutStore(this).listTags();
  }

  /**
   * Reads a manifest by tag or digest, checked against its digest. With `platform`, an index is
   * resolved to the manifest of the image built for that platform, as by
   * {@link ContainerRegistryContentClient.getManifest}.
   * @throws ArtifactNotFoundError when the layout has no such tag or manifest.
   * @throws NoMatchingPlatformError when no image of the index is built for `platform`.
   */
  async getManifest(tagOrDigest: string, options: GetManifestOptions = {}): Promise<GetManifestResult> {
    assertTagOrDigest(tagOrDigest);
    if (options.platform !== undefined) assertPlatformSelector(options.platform);
    const store = layoutStore(this);
    const root = await store.fetchManifest(tagOrDigest, options);
    return options.platform ? selectPlatformManifest(root, options.platform, sourceReader(store, options)) : root;
  }

  /**
   * Where the layout keeps a blob (or manifest): `<directory>/blobs/<algorithm>/<encoded>`. The
   * file exists once a copy has written it; its content hashes to the digest.
   */
  blobPath(digest: string): string {
    assertDigest(digest);
    return layoutStore(this).files.blobPath(digest);
  }
}
