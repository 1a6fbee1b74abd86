// Checks the JSON a registry answered against the shape the library interprets, described as
// core-client mappers: the generated ones for ACR's metadata API, small hand-written ones for the
// OCI listings and manifests. A field of the wrong type is an `InvalidResponse` RestError naming it
// by its wire name (`manifests[2].createdTime`); fields the shape does not describe are allowed.
import type { Mapper, MapperConstraints } from "@azure/core-client";
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { redactUrl } from "../diagnostics/redaction.js";
import { clientError, KnownContainerRegistryErrorCode } from "./errorCodes.js";

/** Mappers by class name, for composites that name their model instead of describing it inline. */
export type MapperCatalog = Record<string, Mapper>;

/** The JSON type of a value, for messages: the value itself may be a secret and is never printed. */
function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `a.b` is a path into nested objects; `a\.b` is one key with a dot (core-client's convention). */
function wirePath(serializedName: string): string[] {
  return serializedName.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, "."));
}

function constraintProblem(value: string | number, constraints: MapperConstraints | undefined): string | undefined {
  if (!constraints) return undefined;
  const { Pattern, InclusiveMinimum, MultipleOf } = constraints;
  if (typeof value === "string" && Pattern && !new RegExp(Pattern).test(value)) return "is malformed";
  if (typeof value === "number" && InclusiveMinimum !== undefined && value < InclusiveMinimum) return `must be at least ${InclusiveMinimum}`;
  if (typeof value === "number" && MultipleOf !== undefined && value % MultipleOf !== 0) return `must be a multiple of ${MultipleOf}`;
  return undefined;
}

function compositeProblem(value: unknown, mapper: Mapper, catalog: MapperCatalog, path: string): string | undefined {
  if (!isObject(value)) return `${path || "the body"} must be an object, got ${jsonType(value)}`;
  const type = mapper.type as { className?: string; modelProperties?: Record<string, Mapper> };
  const properties = type.modelProperties ?? (catalog[type.className ?? ""]?.type as typeof type | undefined)?.modelProperties ?? {};
  for (const property of Object.values(properties)) {
    if (!property.serializedName) continue;
    let current: unknown = value;
    let fieldPath = path;
    for (const key of wirePath(property.serializedName)) {
      if (current === undefined || current === null) break;
      if (!isObject(current)) return `${fieldPath} must be an object, got ${jsonType(current)}`;
      current = current[key];
      fieldPath = fieldPath ? `${fieldPath}.${key}` : key;
    }
    const problem = shapeProblem(current, property, catalog, fieldPath);
    if (problem) return problem;
  }
  return undefined;
}

const EXPECTED: Record<string, string> = {
  String: "a string",
  Enum: "a string",
  Number: "a number",
  Boolean: "a boolean",
  Date: "a date string",
  DateTime: "a date string",
  DateTimeRfc1123: "a date string",
  Sequence: "an array",
  Dictionary: "an object",
  Composite: "an object",
};

function expectedType(mapper: Mapper): string {
  return EXPECTED[mapper.type.name] ?? "a value";
}

/**
 * The first place where `value` (parsed JSON) departs from `mapper`, e.g. `tags[2] must be a
 * string, got null`; undefined when it conforms. An absent or null field is a problem only when
 * the mapper marks it required.
 */
export function shapeProblem(value: unknown, mapper: Mapper, catalog: MapperCatalog = {}, path = ""): string | undefined {
  const name = path || "the body";
  if (value === undefined) return mapper.required ? `${name} is required, got nothing` : undefined;
  if (value === null) return mapper.required ? `${name} must be ${expectedType(mapper)}, got null` : undefined;
  const type = mapper.type as { name: string; element?: Mapper; value?: Mapper };
  switch (type.name) {
    case "String":
    case "Enum":
    case "Number":
    case "Boolean": {
      const expected = type.name === "Enum" ? "string" : type.name.toLowerCase();
      if (typeof value !== expected || (typeof value === "number" && !Number.isFinite(value))) return `${name} must be a ${expected}, got ${jsonType(value)}`;
      const problem = constraintProblem(value as string | number, mapper.constraints);
      return problem ? `${name} ${problem}` : undefined;
    }
    case "Date":
    case "DateTime":
    case "DateTimeRfc1123":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? undefined : `${name} must be a date string, got ${jsonType(value)}`;
    case "Sequence":
      if (!Array.isArray(value)) return `${name} must be an array, got ${jsonType(value)}`;
      for (let i = 0; i < value.length; i++) {
        const problem = shapeProblem(value[i], { ...type.element!, required: true }, catalog, `${path}[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    case "Dictionary":
      if (!isObject(value)) return `${name} must be an object, got ${jsonType(value)}`;
      for (const [key, item] of Object.entries(value)) {
        const problem = shapeProblem(item, { ...type.value!, required: true }, catalog, `${path}[${JSON.stringify(key)}]`);
        if (problem) return problem;
      }
      return undefined;
    case "Composite":
      return compositeProblem(value, mapper, catalog, path);
    default:
      return undefined;
  }
}

/** Throws an `InvalidResponse` RestError when the JSON `value` of `response` departs from `mapper`. */
export function assertResponseShape(value: unknown, mapper: Mapper, response: PipelineResponse, catalog: MapperCatalog = {}): void {
  const problem = shapeProblem(value, mapper, catalog);
  if (problem === undefined) return;
  const { method, url } = response.request;
  throw clientError(
    KnownContainerRegistryErrorCode.InvalidResponse,
    `The registry's response to ${method} ${redactUrl(url)} is not what the protocol defines: ${problem}`,
    { response },
  );
}

/** Parses a response body as JSON; a body that is not JSON is an `InvalidResponse` RestError (the body is never quoted). */
export function parseResponseJson(response: PipelineResponse, text = response.bodyAsText ?? ""): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const { method, url } = response.request;
    throw clientError(
      KnownContainerRegistryErrorCode.InvalidResponse,
      `The registry's response to ${method} ${redactUrl(url)} (${response.status}, ${text.length} characters) is not valid JSON`,
      { response },
    );
  }
}
