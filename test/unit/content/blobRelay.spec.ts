// copyBlob between two fake registries: the relay read as an ordinary stream (a destination
// HttpClient that is not Node's), one GET at the source, two requests at the destination.
import { describe, expect, it } from "vitest";
import { ContainerRegistryContentClient, DigestMismatchError } from "../../../src/index.js";
import { ENDPOINT, FakeRegistry, sha256 } from "../fakes/fakeRegistry.js";

function client(registry: FakeRegistry, repository: string, endpoint = ENDPOINT): ContainerRegistryContentClient {
  return new ContainerRegistryContentClient(endpoint, repository, { httpClient: registry, retryOptions: { maxRetries: 0 } });
}

describe("copyBlob", () => {
  it("relays the source's download into a two-request upload with the digest, hashing the bytes once on the way", async () => {
    const [from, to] = [new FakeRegistry(), new FakeRegistry()];
    const data = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
    const digest = sha256(data);
    from.blobs.set(digest, data);
    const result = await client(to, "target", "https://other.test").copyBlob(digest, client(from, "source"));
    expect(result).toEqual({ digest, sizeInBytes: data.length, mounted: false });
    expect(to.blobs.get(digest)?.equals(data)).toBe(true);
    expect(from.requests.map((request) => request.method)).toEqual(["GET"]);
    expect(to.requests.map((request) => request.method)).toEqual(["POST", "PUT"]);
    expect(new URL(to.requests[1]!.url).searchParams.get("digest")).toBe(digest);
  });

  it("fails with a DigestMismatchError when the source's bytes do not match, before the destination stores them", async () => {
    const [from, to] = [new FakeRegistry(), new FakeRegistry()];
    const digest = sha256(Buffer.from("expected"));
    from.blobs.set(digest, Buffer.from("tampered"));
    await expect(client(to, "target", "https://other.test").copyBlob(digest, client(from, "source"))).rejects.toThrow(DigestMismatchError);
    expect(to.blobs.has(digest)).toBe(false);
  });

  it("mounts a blob of another repository of the same registry instead of copying it", async () => {
    const registry = new FakeRegistry();
    const digest = sha256(Buffer.from("shared"));
    registry.blobs.set(digest, Buffer.from("shared"));
    expect(await client(registry, "target").copyBlob(digest, client(registry, "source"), { sizeInBytes: 6 })).toEqual({ digest, sizeInBytes: 6, mounted: true });
    expect(registry.requests.map((request) => `${request.method} ${new URL(request.url).search}`)).toEqual([`POST ?mount=${encodeURIComponent(digest)}&from=source`]);
  });
});
