/** Why Docker's credentials could not be read. */
export type DockerCredentialErrorCode =
  /** `config.json` is not JSON, or a field has the wrong type. */
  | "InvalidDockerConfig"
  /** The credential helper `docker-credential-<name>` is not on PATH (or may not be run). */
  | "CredentialHelperNotFound"
  /** The helper exited with an error, timed out, or printed something that is not its JSON answer. */
  | "CredentialHelperFailed";

/**
 * Docker's credentials could not be read: a malformed `config.json` or a credential helper that is
 * missing or failed. The message names the file or the helper, never a secret.
 */
export class DockerCredentialError extends Error {
  /** Always `DockerCredentialError`. */
  override readonly name = "DockerCredentialError";
  /** What went wrong. */
  readonly code: DockerCredentialErrorCode;
  /** The helper program, e.g. `docker-credential-desktop`, when a helper was involved. */
  readonly helper?: string;

  constructor(message: string, code: DockerCredentialErrorCode, helper?: string) {
    super(message);
    this.code = code;
    if (helper !== undefined) this.helper = helper;
  }
}
