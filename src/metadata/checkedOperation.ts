import type { CompositeMapper, FullOperationResponse, OperationOptions } from "@azure/core-client";
import * as Mappers from "../generated/models/mappers.js";
import { assertResponseShape, parseResponseJson } from "../errors/responseShape.js";

/**
 * Runs a generated operation and checks the JSON the registry answered against the operation's
 * response model (`mapper`, with the spec's required fields) before the result is used: core's
 * deserializer passes wrong types through (`"manifestCount": "many"`, `"createdTime": null`) and
 * wraps a string where an array belongs into an array. The check reads the raw body, so a field is
 * named as on the wire (`manifests[0].createdTime`).
 */
export async function checkedOperation<T>(
  options: OperationOptions,
  mapper: CompositeMapper,
  operation: (options: OperationOptions) => Promise<T>,
): Promise<T> {
  let raw: FullOperationResponse | undefined;
  const result = await operation({
    ...options,
    onResponse: (response, flat, error) => {
      raw = response;
      options.onResponse?.(response, flat, error);
    },
  });
  if (raw) assertResponseShape(parseResponseJson(raw, raw.bodyAsText || "null"), mapper, raw, Mappers as Record<string, CompositeMapper>);
  return result;
}
