import { describe, expect, it } from "vitest";
import { ContainerRegistryContentClient, parseImageReference } from "../../../src/index.js";
import { ENDPOINT } from "../fakes/fakeRegistry.js";

describe("ContainerRegistryContentClient construction", () => {
  it("exposes endpoint and repositoryName, normalising the endpoint", () => {
    const client = new ContainerRegistryContentClient("myregistry.azurecr.io/", "library/hello-world");
    expect(client.endpoint).toBe("https://myregistry.azurecr.io");
    expect(client.repositoryName).toBe("library/hello-world");
  });

  it("refuses a malformed repository name and a chunk size that is not positive", () => {
    expect(() => new ContainerRegistryContentClient(ENDPOINT, "Bad Name")).toThrow(RangeError);
    expect(() => new ContainerRegistryContentClient(ENDPOINT, "ok", { uploadChunkSizeInBytes: 0 })).toThrow(RangeError);
  });

  it("is built from a parsed image reference, with or without options, and refuses a bad one like a bad argument", () => {
    const reference = parseImageReference("ghcr.io/owner/app:v1");
    const anonymous = new ContainerRegistryContentClient(reference);
    expect([anonymous.endpoint, anonymous.repositoryName]).toEqual(["https://ghcr.io", "owner/app"]);
    const hub = new ContainerRegistryContentClient(parseImageReference("alpine"), { retryOptions: { maxRetries: 0 } });
    expect([hub.endpoint, hub.repositoryName]).toEqual(["https://registry-1.docker.io", "library/alpine"]);
    expect(() => new ContainerRegistryContentClient({ ...reference, repository: "Bad" })).toThrow(/is not a valid repository name/);
  });
});
