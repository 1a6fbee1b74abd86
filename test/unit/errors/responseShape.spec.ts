import { describe, expect, it } from "vitest";
import type { CompositeMapper } from "@azure/core-client";
import { createHttpHeaders, createPipelineRequest, isRestError } from "@azure/core-rest-pipeline";
import { assertResponseShape, parseResponseJson, shapeProblem } from "../../../src/errors/responseShape.js";
import * as Mappers from "../../../src/generated/models/mappers.js";

const catalog = Mappers as unknown as Record<string, CompositeMapper>;
const valid = {
  registry: "r.azurecr.io",
  imageName: "hello",
  createdTime: "2024-01-01T00:00:00Z",
  lastUpdateTime: "2024-01-02T00:00:00Z",
  manifestCount: 2,
  tagCount: 1,
  changeableAttributes: { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true },
};

describe("shapeProblem", () => {
  it("accepts a body of the model's shape, with fields the model does not know", () => {
    expect(shapeProblem({ ...valid, somethingNew: { nested: [1] } }, Mappers.ContainerRepositoryProperties, catalog)).toBeUndefined();
  });

  it("names the wire field of a wrong type, a required field that is null or missing, and a bad date", () => {
    const problem = (body: object) => shapeProblem({ ...valid, ...body }, Mappers.ContainerRepositoryProperties, catalog);
    expect(problem({ manifestCount: "many" })).toBe("manifestCount must be a number, got a string");
    expect(problem({ createdTime: null })).toBe("createdTime must be a date string, got null");
    expect(problem({ lastUpdateTime: "yesterday" })).toBe("lastUpdateTime must be a date string, got a string");
    expect(problem({ changeableAttributes: { deleteEnabled: "yes" } })).toBe("changeableAttributes.deleteEnabled must be a boolean, got a string");
    expect(problem({ changeableAttributes: [] })).toBe("changeableAttributes must be an object, got an array");
    const { tagCount: _, ...withoutTagCount } = valid;
    expect(shapeProblem(withoutTagCount, Mappers.ContainerRepositoryProperties, catalog)).toBe("tagCount is required, got nothing");
  });

  it("walks arrays and models named by class, with each element's index", () => {
    const manifests = (items: unknown[]) => shapeProblem({ manifests: items }, Mappers.AcrManifests, catalog);
    const item = { digest: `sha256:${"a".repeat(64)}`, createdTime: "2024-01-01T00:00:00Z", lastUpdateTime: "2024-01-01T00:00:00Z" };
    expect(manifests([item, item])).toBeUndefined();
    expect(manifests([item, { ...item, tags: "v1" }])).toBe("manifests[1].tags must be an array, got a string");
    expect(manifests([item, { ...item, tags: ["v1", null] }])).toBe("manifests[1].tags[1] must be a string, got null");
    expect(shapeProblem({ manifests: "all" }, Mappers.AcrManifests, catalog)).toBe("manifests must be an array, got a string");
    expect(shapeProblem("nope", Mappers.AcrManifests, catalog)).toBe("the body must be an object, got a string");
  });

  it("checks Pattern, InclusiveMinimum and MultipleOf constraints", () => {
    const size = { type: { name: "Number" }, constraints: { InclusiveMinimum: 0, MultipleOf: 1 } } as const;
    expect(shapeProblem(-1, size)).toBe("the body must be at least 0");
    expect(shapeProblem(1.5, size)).toBe("the body must be a multiple of 1");
    expect(shapeProblem(Number.NaN, size)).toBe("the body must be a number, got a number");
    expect(shapeProblem("ABC", { type: { name: "String" }, constraints: { Pattern: /^[a-z]+$/ } })).toBe("the body is malformed");
  });
});

describe("assertResponseShape and parseResponseJson", () => {
  const request = createPipelineRequest({ url: "https://r.io/acr/v1/hello?sig=SECRET", method: "GET" });
  const response = { request, status: 200, headers: createHttpHeaders() };

  it("throw an InvalidResponse RestError naming the field and the request, never the value", () => {
    const failure = (() => {
      try {
        assertResponseShape({ ...valid, manifestCount: "opaque-secret-value" }, Mappers.ContainerRepositoryProperties, response, catalog);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isRestError(failure)).toBe(true);
    expect(failure).toMatchObject({ code: "InvalidResponse", statusCode: 200 });
    expect((failure as Error).message).toBe(
      "The registry's response to GET https://r.io/acr/v1/hello?sig=REDACTED is not what the protocol defines: manifestCount must be a number, got a string",
    );
  });

  it("refuse a body that is not JSON without quoting it", () => {
    expect(() => parseResponseJson(response, '{"access_token":"opaque-secret')).toThrow(
      expect.objectContaining({ code: "InvalidResponse", message: expect.not.stringContaining("opaque-secret") }),
    );
    expect(parseResponseJson(response, '{"a":1}')).toEqual({ a: 1 });
  });
});
