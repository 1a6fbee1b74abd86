import { describe, expect, it } from "vitest";
import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { restErrorFromResponse, withRegistryErrorDetails } from "../../../src/errors/registryErrors.js";

describe("registry errors", () => {
  const body = JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown", detail: {} }] });

  it("gives generated-layer RestErrors the registry's code and message", () => {
    const error = new RestError(body, { statusCode: 404 });
    error.details = JSON.parse(body);
    withRegistryErrorDetails(error);
    expect(error.code).toBe("MANIFEST_UNKNOWN");
    expect(error.message).toBe("Registry returned 404 MANIFEST_UNKNOWN: manifest unknown");
  });

  it("builds RestErrors from raw responses without leaking query secrets", () => {
    const request = createPipelineRequest({ url: "https://blob.example/x?sig=SECRET&n=1", method: "GET" });
    const error = restErrorFromResponse({ request, status: 403, headers: createHttpHeaders(), bodyAsText: "<Error/>" });
    expect(error.statusCode).toBe(403);
    expect(error.message).not.toContain("SECRET");
    expect(error.message).toContain("n=1");
    const coded = restErrorFromResponse({ request, status: 404, headers: createHttpHeaders(), bodyAsText: body });
    expect(coded.code).toBe("MANIFEST_UNKNOWN");
  });
});
