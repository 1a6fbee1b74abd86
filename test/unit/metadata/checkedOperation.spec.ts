// ACR's metadata answers, as the metadata clients read them: each response is checked against its
// model in the service's spec (wire names, required fields) before anything is mapped or returned.
import { describe, expect, it } from "vitest";
import { ContainerRegistryClient } from "../../../src/index.js";
import { json, scriptedClient } from "../fakes/scriptedClient.js";

const endpoint = "https://registry.test";
const digest = `sha256:${"a".repeat(64)}`;
const times = { createdTime: "2024-01-01T00:00:00Z", lastUpdateTime: "2024-01-02T00:00:00Z" };
const attributes = { changeableAttributes: { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true } };
const repositoryBody = { registry: "registry.test", imageName: "hello", ...times, manifestCount: 2, tagCount: 1, ...attributes };
const manifestItem = { digest, imageSize: 10, ...times, tags: ["v1"], ...attributes };

function clientAnswering(body: unknown) {
  return new ContainerRegistryClient(endpoint, { httpClient: scriptedClient(() => json(body)), retryOptions: { maxRetries: 0 } });
}

describe("metadata responses", () => {
  it("pass through when they have their model's shape, unknown fields included", async () => {
    const properties = await clientAnswering({ ...repositoryBody, newField: [1, 2] }).getRepository("hello").getProperties();
    expect(properties).toMatchObject({ name: "hello", manifestCount: 2, createdOn: new Date(times.createdTime) });
  });

  const hostile: Array<[string, () => Promise<unknown>, RegExp]> = [
    ['manifestCount: "many"', () => clientAnswering({ ...repositoryBody, manifestCount: "many" }).getRepository("hello").getProperties(), /manifestCount must be a number, got a string/],
    ["createdTime: null", () => clientAnswering({ ...repositoryBody, createdTime: null }).getRepository("hello").getProperties(), /createdTime must be a date string, got null/],
    ['lastUpdateTime: "soon"', () => clientAnswering({ ...repositoryBody, lastUpdateTime: "soon" }).getRepository("hello").updateProperties({ canRead: true }), /lastUpdateTime must be a date string/],
    [
      'changeableAttributes.deleteEnabled: "yes"',
      () => clientAnswering({ ...repositoryBody, changeableAttributes: { deleteEnabled: "yes" } }).getRepository("hello").getProperties(),
      /changeableAttributes\.deleteEnabled must be a boolean/,
    ],
    [
      'repositories: "hello" (core would wrap it into ["hello"])',
      () => clientAnswering({ repositories: "hello" }).listRepositoryNames().next(),
      /repositories must be an array, got a string/,
    ],
    [
      "a manifest listed without its digest",
      () => clientAnswering({ registry: "registry.test", imageName: "hello", manifests: [manifestItem, { ...manifestItem, digest: undefined }] }).getRepository("hello").listManifestProperties().next(),
      /manifests\[1\]\.digest is required/,
    ],
    [
      "a tag whose digest is a number",
      () => clientAnswering({ registry: "registry.test", imageName: "hello", tag: { name: "v1", digest: 42, ...times } }).getArtifact("hello", "v1").getTagProperties("v1"),
      /tag\.digest must be a string, got a number/,
    ],
    [
      "manifest properties with a string size",
      () => clientAnswering({ registry: "registry.test", imageName: "hello", manifest: { ...manifestItem, imageSize: "10" } }).getArtifact("hello", digest).getManifestProperties(),
      /manifest\.imageSize must be a number, got a string/,
    ],
    [
      "tags listed as an object",
      () => clientAnswering({ registry: "registry.test", imageName: "hello", tags: { v1: {} } }).getArtifact("hello", digest).listTagProperties().next(),
      /tags must be an array, got an object/,
    ],
  ];
  for (const [description, call, message] of hostile) {
    it(`fail with an InvalidResponse RestError naming the wire field for ${description}`, async () => {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ name: "RestError", code: "InvalidResponse", statusCode: 200 });
      expect((error as Error).message).toMatch(message);
    });
  }
});
