import { describe, expect, it } from "vitest";
import { ContainerRegistryContentClient } from "../../../src/index.js";
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
});
