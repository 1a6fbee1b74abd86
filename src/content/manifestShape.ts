// The fields of a fetched manifest the library and its callers interpret, as core-client mappers
// for errors/responseShape.ts: OCI image manifests and indexes, Docker manifests and manifest
// lists, and OCI artifact manifests. Every field is checked only where present (a Docker schema 1
// manifest has none of them); a descriptor must have its media type, digest and size.
import type { CompositeMapper, Mapper } from "@azure/core-client";
import { DIGEST_PATTERN } from "../protocol/grammar.js";

const string: Mapper = { type: { name: "String" } };
const strings: Mapper = { type: { name: "Sequence", element: string } };
const annotations: Mapper = { type: { name: "Dictionary", value: string } };

function field(serializedName: string, mapper: Mapper, required = false): Mapper {
  return { ...mapper, serializedName, required };
}

const platform: CompositeMapper = {
  type: {
    name: "Composite",
    className: "Platform",
    modelProperties: {
      architecture: field("architecture", string, true),
      os: field("os", string, true),
      osVersion: field("os\\.version", string),
      osFeatures: field("os\\.features", strings),
      variant: field("variant", string),
      features: field("features", strings),
    },
  },
};

const descriptor: CompositeMapper = {
  type: {
    name: "Composite",
    className: "Descriptor",
    modelProperties: {
      mediaType: field("mediaType", string, true),
      digest: field("digest", { ...string, constraints: { Pattern: DIGEST_PATTERN } }, true),
      size: field("size", { type: { name: "Number" }, constraints: { InclusiveMinimum: 0, MultipleOf: 1 } }, true),
      urls: field("urls", strings),
      annotations: field("annotations", annotations),
      data: field("data", string),
      artifactType: field("artifactType", string),
      platform: field("platform", platform),
    },
  },
};

const descriptors: Mapper = { type: { name: "Sequence", element: descriptor } };

export const MANIFEST_SHAPE: CompositeMapper = {
  type: {
    name: "Composite",
    className: "Manifest",
    modelProperties: {
      schemaVersion: field("schemaVersion", { type: { name: "Number" } }),
      mediaType: field("mediaType", string),
      artifactType: field("artifactType", string),
      config: field("config", descriptor),
      layers: field("layers", descriptors),
      manifests: field("manifests", descriptors),
      blobs: field("blobs", descriptors),
      subject: field("subject", descriptor),
      annotations: field("annotations", annotations),
    },
  },
};
