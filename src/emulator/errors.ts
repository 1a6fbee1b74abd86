/** Errors in the distribution format (`{"errors":[{code,message,detail}]}`) that handlers throw. */

export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "RegistryError";
  }

  body(): { errors: Array<{ code: string; message: string; detail?: unknown }> } {
    const entry: { code: string; message: string; detail?: unknown } = {
      code: this.code,
      message: this.message,
    };
    if (this.detail !== undefined) entry.detail = this.detail;
    return { errors: [entry] };
  }
}

/** A factory of errors whose detail names one value: `{ reason }`, `{ name }`, `{ digest }`... */
function detailed(status: number, code: string, message: string, key: string): (value: string) => RegistryError {
  return (value) => new RegistryError(status, code, message, { [key]: value });
}

// Messages follow CNCF distribution / ACR so clients that match on them behave the same.
/** Without detail, as ACR answers. */
export const blobUnknown = (): RegistryError => new RegistryError(404, "BLOB_UNKNOWN", "blob unknown to registry");
export const blobUploadUnknown = (): RegistryError => new RegistryError(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
export const blobUploadInvalid = detailed(400, "BLOB_UPLOAD_INVALID", "blob upload invalid", "reason");
export const digestInvalid = detailed(400, "DIGEST_INVALID", "provided digest did not match uploaded content", "reason");
export const sizeInvalid = detailed(400, "SIZE_INVALID", "provided length did not match content length", "reason");
export const manifestInvalid = detailed(400, "MANIFEST_INVALID", "manifest invalid", "reason");
export const manifestUnknown = (reason?: string): RegistryError => new RegistryError(404, "MANIFEST_UNKNOWN", reason ?? "manifest unknown");
export const manifestBlobUnknown = detailed(400, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", "digest");
export const nameInvalid = detailed(400, "NAME_INVALID", "invalid repository name", "name");
export const nameUnknown = detailed(404, "NAME_UNKNOWN", "repository name not known to registry", "name");
export const tagUnknown = (): RegistryError => new RegistryError(404, "TAG_UNKNOWN", "the specified tag does not exist");
export const tagInvalid = detailed(400, "TAG_INVALID", "manifest tag did not match URI", "tag");
export const unsupported = (message = "The operation is unsupported."): RegistryError => new RegistryError(405, "UNSUPPORTED", message);
export const paginationInvalid = detailed(400, "PAGINATION_NUMBER_INVALID", "invalid number of results requested", "reason");

/** ACR's answer when a `changeableAttributes` flag forbids the operation (observed on the service). */
export const disallowed = (): RegistryError =>
  new RegistryError(
    405,
    "REGISTRY_DISALLOWED_OPERATION",
    "The operation is disallowed on this registry, repository or image. View troubleshooting steps at https://aka.ms/acr/faq/#why-does-my-pull-or-push-request-fail-with-disallowed-operation",
    {},
  );
