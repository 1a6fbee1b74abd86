import type { PipelinePolicy } from "@azure/core-rest-pipeline";

export const formBodyPolicyName = "acrFormBodyPolicy";

/**
 * Encodes the form fields of the token requests (`/oauth2/exchange`, `/oauth2/token`) as
 * `application/x-www-form-urlencoded`. It replaces core's formDataPolicy, whose
 * `instanceof FormData` check makes Node 20 load its bundled undici (with http2, worker_threads
 * and web streams: some 11 MiB and tens of milliseconds) on the first request of every process,
 * for a client that never sends multipart forms.
 */
export function formBodyPolicy(): PipelinePolicy {
  return {
    name: formBodyPolicyName,
    sendRequest(request, next) {
      if (request.formData) {
        const form = new URLSearchParams();
        for (const [name, value] of Object.entries(request.formData)) {
          for (const item of Array.isArray(value) ? value : [value]) form.append(name, String(item));
        }
        request.body = form.toString();
        request.formData = undefined;
      }
      return next(request);
    },
  };
}
