// The content client's blob operations (src/content/blobOperations.ts) against the in-process fake registry.
import { describe, expect, it } from "vitest";
import { fakeContentClient as setup, readAll, sha256 } from "../fakes/fakeRegistry.js";

const MiB = 1024 * 1024;

describe("blobs", () => {
  it("downloads a blob, verified, with its size", async () => {
    const { client } = setup();
    const data = Buffer.alloc(3 * MiB + 7, 3);
    const { digest } = await client.uploadBlob(data);
    const result = await client.downloadBlob(digest);
    expect(result.sizeInBytes).toBe(data.length);
    expect((await readAll(result.content)).equals(data)).toBe(true);
  });

  it("rejects downloadBlob itself (not the stream) when the blob does not exist", async () => {
    const { client } = setup();
    await expect(client.downloadBlob(sha256(Buffer.from("none")))).rejects.toMatchObject({ statusCode: 404, code: "BLOB_UNKNOWN" });
  });

  it("deletes blobs; a missing blob counts as deleted", async () => {
    const { registry, client } = setup();
    const { digest } = await client.uploadBlob(Buffer.from("b"));
    await client.deleteBlob(digest);
    await client.deleteBlob(digest);
    expect(registry.blobs.size).toBe(0);
  });

  it("tells whether a blob exists and its size with HEAD", async () => {
    const { registry, client } = setup();
    const { digest } = await client.uploadBlob(Buffer.from("hello"));
    expect(await client.blobExists(digest)).toBe(true);
    expect(await client.getBlobProperties(digest)).toEqual({ digest, sizeInBytes: 5 });
    const missing = sha256(Buffer.from("missing"));
    expect(await client.blobExists(missing)).toBe(false);
    await expect(client.getBlobProperties(missing)).rejects.toMatchObject({ statusCode: 404 });
    expect(registry.count("HEAD")).toBe(4);
  });

  it("mounts a blob from another repository; when the registry opens a session instead, cancels it", async () => {
    const { registry, client } = setup();
    const { digest } = await client.uploadBlob(Buffer.from("shared"));
    expect(await client.mountBlob(digest, "library/other")).toEqual({ digest, mounted: true });
    const absent = sha256(Buffer.from("absent"));
    expect(await client.mountBlob(absent, "library/other")).toEqual({ digest: absent, mounted: false });
    expect(registry.requests.at(-1)!.method).toBe("DELETE");
    expect(registry.uploads.size).toBe(0);
  });
});
