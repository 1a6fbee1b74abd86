import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { checkIndex } from "../content/manifestReferences.js";
import type { OciImageIndex } from "../content/models.js";
import { InvalidManifestError } from "../errors/invalidManifestError.js";
import { InvalidOciLayoutError } from "../errors/invalidOciLayoutError.js";
import { KnownManifestMediaType } from "../protocol/mediaTypes.js";

// The files of an OCI image layout (image-spec image-layout.md): `oci-layout` says which version of
// the layout a folder is, `index.json` lists its manifests (tags in the ref.name annotation), and
// every blob and manifest lives at `blobs/<algorithm>/<encoded digest>`.

export const OCI_LAYOUT_FILE = "oci-layout";
export const INDEX_FILE = "index.json";
export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";
/** The only major version of the layout there is: readers must refuse others. */
const LAYOUT_MAJOR_VERSION = "1.";
const LAYOUT_VERSION = "1.0.0";

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}

/** Writes a file by writing a temporary one beside it and renaming it into place: readers see the old file or the new one. */
export async function writeFileAtomically(filePath: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = `${filePath}.${randomBytes(6).toString("hex")}.partial`;
  try {
    await writeFile(temporary, bytes, { flag: "wx" });
    await rename(temporary, filePath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** One layout folder's files: reading and validating them, and writing `index.json` one change at a time. */
export class OciLayoutFiles {
  /** The last `index.json` change: the next one starts when it is done. */
  private indexUpdate: Promise<unknown> = Promise.resolve();
  private prepared?: Promise<void>;

  constructor(readonly directory: string) {}

  blobPath(digest: string): string {
    const separator = digest.indexOf(":");
    return path.join(this.directory, "blobs", digest.slice(0, separator), digest.slice(separator + 1));
  }

  private invalid(problem: string): InvalidOciLayoutError {
    return new InvalidOciLayoutError(this.directory, problem);
  }

  /** Checks the `oci-layout` file; false when the folder has none. */
  private async hasLayoutFile(): Promise<boolean> {
    let text: string;
    try {
      text = await readFile(path.join(this.directory, OCI_LAYOUT_FILE), "utf8");
    } catch (error) {
      if (isNotFound(error)) return false;
      if ((error as NodeJS.ErrnoException).code === "ENOTDIR") throw this.invalid("it is not a folder");
      throw error;
    }
    let version: unknown;
    try {
      version = (JSON.parse(text) as { imageLayoutVersion?: unknown })?.imageLayoutVersion;
    } catch {
      throw this.invalid(`${OCI_LAYOUT_FILE} is not JSON`);
    }
    if (typeof version !== "string" || !version.startsWith(LAYOUT_MAJOR_VERSION)) {
      throw this.invalid(`${OCI_LAYOUT_FILE} has imageLayoutVersion ${JSON.stringify(version)}; version 1.x is supported`);
    }
    return true;
  }

  /** The layout's `index.json`, shape-checked; an InvalidOciLayoutError when the folder is not a layout. */
  async readIndex(): Promise<OciImageIndex> {
    if (!(await this.hasLayoutFile())) throw this.invalid(`it has no ${OCI_LAYOUT_FILE} file`);
    let text: string;
    try {
      text = await readFile(path.join(this.directory, INDEX_FILE), "utf8");
    } catch (error) {
      if (isNotFound(error)) throw this.invalid(`it has no ${INDEX_FILE}`);
      throw error;
    }
    try {
      const index = checkIndex(JSON.parse(text), INDEX_FILE);
      if (index.schemaVersion !== 2) throw this.invalid(`${INDEX_FILE} has schemaVersion ${JSON.stringify(index.schemaVersion)}, not 2`);
      return index;
    } catch (error) {
      if (error instanceof SyntaxError) throw this.invalid(`${INDEX_FILE} is not JSON`);
      if (error instanceof InvalidManifestError) throw this.invalid(`${INDEX_FILE}: ${error.field || "the document"} is invalid (${error.message})`);
      throw error;
    }
  }

  /**
   * Makes the folder ready for writing: a layout is checked; a missing or empty folder becomes an
   * empty layout; a folder with other content is refused (a copy never writes into it).
   */
  ensureWritable(): Promise<void> {
    this.prepared ??= this.prepare().catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    });
    return this.prepared;
  }

  private async prepare(): Promise<void> {
    if (await this.hasLayoutFile()) {
      await this.readIndex();
      return;
    }
    let entries: string[] = [];
    try {
      entries = await readdir(this.directory);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (entries.length > 0) throw this.invalid(`it is a folder with other content and no ${OCI_LAYOUT_FILE} file`);
    await mkdir(path.join(this.directory, "blobs"), { recursive: true });
    const empty = { schemaVersion: 2, mediaType: KnownManifestMediaType.OciImageIndex, manifests: [] };
    await writeFileAtomically(path.join(this.directory, INDEX_FILE), JSON.stringify(empty));
    // oci-layout last: it is what makes the folder a layout, so a layout always has its index.
    await writeFileAtomically(path.join(this.directory, OCI_LAYOUT_FILE), JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION }));
  }

  /**
   * Changes `index.json`: `change` gets the current index and returns the new one (or undefined to
   * leave it). Changes made through this object run one at a time, each on the latest file.
   */
  updateIndex(change: (index: OciImageIndex) => OciImageIndex | undefined): Promise<void> {
    const next = this.indexUpdate.then(async () => {
      const updated = change(await this.readIndex());
      if (updated) await writeFileAtomically(path.join(this.directory, INDEX_FILE), JSON.stringify(updated));
    });
    this.indexUpdate = next.catch(() => undefined);
    return next;
  }
}
