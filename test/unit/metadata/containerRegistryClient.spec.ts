// ContainerRegistryClient.getArtifact with image references: no request is sent.
import { describe, expect, it } from "vitest";
import { ContainerRegistryClient, parseImageReference } from "../../../src/index.js";

const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("ContainerRegistryClient.getArtifact by image reference", () => {
  const client = new ContainerRegistryClient("https://myregistry.azurecr.io");

  it("takes a reference with or without the client's registry, and a parsed one", () => {
    expect(client.getArtifact("hello:v1").fullyQualifiedReference).toBe("myregistry.azurecr.io/hello:v1");
    expect(client.getArtifact(`myregistry.azurecr.io/team/app@${DIGEST}`).fullyQualifiedReference).toBe(`myregistry.azurecr.io/team/app@${DIGEST}`);
    expect(client.getArtifact("MyRegistry.azurecr.io/hello").fullyQualifiedReference).toBe("myregistry.azurecr.io/hello:latest");
    expect(client.getArtifact(parseImageReference("myregistry.azurecr.io/a/b:c")).repositoryName).toBe("a/b");
    // The 1.1 form stays as it was.
    expect(client.getArtifact("hello", "v2").fullyQualifiedReference).toBe("myregistry.azurecr.io/hello:v2");
  });

  it("refuses a reference to another registry, and a malformed one", () => {
    expect(() => client.getArtifact("ghcr.io/owner/app:v1")).toThrow(new RangeError("The reference names the registry ghcr.io; this client is for myregistry.azurecr.io"));
    expect(() => client.getArtifact(parseImageReference("alpine"))).toThrow(/names the registry docker.io/);
    expect(() => client.getArtifact("hello:-v1")).toThrow(/"-v1" is not a tag/);
    expect(() => client.getArtifact("hello", undefined as unknown as string)).toThrow(TypeError);
  });

  it("treats Docker Hub's aliases as one registry", () => {
    const hub = new ContainerRegistryClient("registry-1.docker.io");
    expect(hub.getArtifact("alpine:3").fullyQualifiedReference).toBe("registry-1.docker.io/library/alpine:3");
    expect(hub.getArtifact("docker.io/library/alpine:3").repositoryName).toBe("library/alpine");
  });
});
