import { isRestError, RestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import { redactError, redactUrl } from "../diagnostics/redaction.js";

/** One entry of the error body ACR and OCI registries return: `{"errors":[{code,message,detail}]}`. */
interface RegistryErrorInfo {
  code?: unknown;
  message?: unknown;
}

export function firstRegistryError(body: unknown): RegistryErrorInfo | undefined {
  if (typeof body === "string") {
    try {
      return firstRegistryError(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  const errors = (body as { errors?: unknown } | null | undefined)?.errors;
  return Array.isArray(errors) && typeof errors[0] === "object" && errors[0] !== null ? errors[0] : undefined;
}

function describe(status: number | undefined, info: RegistryErrorInfo | undefined, fallback: string): { code?: string; message: string } {
  const code = typeof info?.code === "string" ? info.code : undefined;
  const detail = typeof info?.message === "string" ? info.message : undefined;
  const prefix = status !== undefined ? `Registry returned ${status}` : "Registry request failed";
  if (code || detail) {
    return { code, message: `${prefix}${code ? ` ${code}` : ""}: ${detail ?? fallback}` };
  }
  return { message: fallback || prefix };
}

/**
 * Gives a `RestError` thrown by the generated layer the registry's own error code and message
 * (core-client only understands `{"error":{...}}` bodies, not the registry's `{"errors":[...]}`).
 */
export function withRegistryErrorDetails(error: unknown): unknown {
  if (!isRestError(error)) return error;
  // Core's own parse errors carry the response they quote; one rethrown without it was already handled.
  if (error.code === RestError.PARSE_ERROR && error.response) return redactError(withoutBody(error));
  const info = firstRegistryError(error.details ?? error.response?.bodyAsText);
  if (info) {
    const { code, message } = describe(error.statusCode, info, error.message);
    error.code = code ?? error.code;
    error.message = message;
  } else if (!error.message && error.statusCode !== undefined) {
    error.message = `Registry returned ${error.statusCode}`;
  }
  return redactError(error);
}

/**
 * Core's parse errors quote the whole body they could not parse or deserialize, which for a token
 * endpoint is a token: the message keeps what failed, never the body.
 */
function withoutBody(error: RestError): RestError {
  const response = error.response;
  const where = error.request ? ` to ${error.request.method} ${redactUrl(error.request.url)}` : "";
  const length = response?.bodyAsText?.length;
  const what = response ? ` (${response.status}${length !== undefined ? `, ${length} characters` : ""})` : "";
  error.message = `The registry's response${where}${what} could not be parsed: it is not the JSON the operation expects`;
  return error;
}

/** Builds the `RestError` for a failed raw pipeline response (requests made outside the generated layer). */
export function restErrorFromResponse(response: PipelineResponse, bodyText?: string): RestError {
  const text = bodyText ?? response.bodyAsText ?? undefined;
  const info = firstRegistryError(text);
  const { code, message } = describe(response.status, info, `Registry returned ${response.status} for ${response.request.method} ${redactUrl(response.request.url)}`);
  // A registry's error message may echo what it was sent (a URL with its signature, a token).
  const error = new RestError(message, {
    code,
    statusCode: response.status,
    request: response.request,
    response: { ...response, bodyAsText: text },
  });
  // Only a registry error body is kept as details: any other body is the server's to explain, and may hold anything.
  if (info && text !== undefined) error.details = JSON.parse(text);
  return redactError(error);
}
