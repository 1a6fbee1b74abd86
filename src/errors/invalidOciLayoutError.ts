/**
 * A folder is not an OCI image layout (no `oci-layout` file, an unsupported `imageLayoutVersion`, an
 * `index.json` that is not an index), or is a non-empty folder of other content that a copy will
 * not write into.
 */
export class InvalidOciLayoutError extends Error {
  /** The folder. */
  readonly directory: string;

  constructor(directory: string, problem: string) {
    super(`${directory} is not an OCI image layout: ${problem}`);
    this.name = "InvalidOciLayoutError";
    this.directory = directory;
  }
}
