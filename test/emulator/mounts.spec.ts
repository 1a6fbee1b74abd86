// Cross-repository mounts with authentication, as real ACR answers them: the challenge names pull on
// the source too, and only a token holding it mounts; otherwise an upload session opens (202).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ContainerRegistryContentClient } from "../../src/index.js";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { client, digestOf, tokenFor } from "./helpers.js";

const SERVICE = "mounts.azurecr.io";
const LAYER = "a layer that alpine holds";

describe("emulator: cross-repository mounts with authentication", () => {
  let emulator: AcrEmulator;
  const layer = digestOf(LAYER);

  beforeAll(async () => {
    emulator = await startAcrEmulator({ serviceName: SERVICE, authentication: true });
    await emulator.seed({ repositories: [{ name: "alpine", blobs: [{ content: LAYER }] }] });
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.clearRequestLog());

  const contentClient = (repository: string): ContainerRegistryContentClient =>
    new ContainerRegistryContentClient(emulator.endpoint, repository, emulator.credential, { retryOptions: { maxRetries: 0 } });

  /** The blob digests a repository links, from the emulator's own state. */
  async function linkedBlobs(repository: string): Promise<string[]> {
    const state = await emulator.snapshot();
    return (state.repositories.find((entry) => entry.name === repository)?.blobs ?? []).map((blob) => blob.digest!);
  }

  const uploadRequests = (): string[] =>
    emulator.requestLog.filter((entry) => entry.operation === "upload").map((entry) => `${entry.method} ${entry.status}`);

  it("challenges an unauthenticated mount with ACR's recorded form: one scope parameter, target pull,push and source pull", async () => {
    const response = await fetch(`${emulator.endpoint}/v2/hello-world/blobs/uploads/?from=alpine&mount=${layer}`, { method: "POST" });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer realm="${emulator.endpoint}/oauth2/token",service="${SERVICE}",scope="repository:hello-world:pull,push repository:alpine:pull"`,
    );
    const body = (await response.json()) as { errors: Array<{ code: string; detail: Array<{ Type: string; Name: string; Action: string }> }> };
    expect(body.errors[0]!.code).toBe("UNAUTHORIZED");
    expect(body.errors[0]!.detail).toEqual([
      { Type: "repository", Name: "hello-world", Action: "pull" },
      { Type: "repository", Name: "hello-world", Action: "push" },
      { Type: "repository", Name: "alpine", Action: "pull" },
    ]);
  });

  it("mountBlob links a blob the source holds: 201 after one challenge, no PATCH or PUT of its bytes", async () => {
    const result = await contentClient("hello-world").mountBlob(layer, "alpine");
    expect(result).toEqual({ digest: layer, mounted: true });
    const posts = emulator.requestLog.filter((entry) => entry.operation === "uploads").map((entry) => entry.status);
    expect(posts).toEqual([401, 201]);
    expect(emulator.countRequests({ method: "PATCH" })).toBe(0);
    expect(emulator.countRequests({ method: "PUT" })).toBe(0);
    expect(uploadRequests()).toEqual([]);
    expect(await linkedBlobs("hello-world")).toEqual([layer]);
  });

  it("mountBlob from a source without the blob: 202, mounted false, and the session it opened is cancelled and gone", async () => {
    const absent = digestOf("a layer nobody holds");
    const result = await contentClient("busybox").mountBlob(absent, "alpine");
    expect(result).toEqual({ digest: absent, mounted: false });
    expect(emulator.requestLog.filter((entry) => entry.operation === "uploads").map((entry) => entry.status)).toEqual([401, 202]);
    const cancel = emulator.requestLog.filter((entry) => entry.operation === "upload");
    expect(cancel.map((entry) => `${entry.method} ${entry.status}`)).toEqual(["DELETE 204"]);
    const status = await client(emulator, await tokenFor(emulator, "repository:busybox:pull,push"))(cancel[0]!.path);
    expect(status.status).toBe(404);
    expect(((await status.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe("BLOB_UPLOAD_UNKNOWN");
    expect(await linkedBlobs("busybox")).toEqual([]);
  });

  it("opens an upload session (202) instead of mounting when the token lacks pull on the source, and links nothing", async () => {
    const call = client(emulator, await tokenFor(emulator, "repository:nginx:pull,push"));
    const response = await call(`/v2/nginx/blobs/uploads/?from=alpine&mount=${layer}`, { method: "POST" });
    expect(response.status).toBe(202);
    const location = response.headers.get("location")!;
    expect(location).toMatch(/^\/v2\/nginx\/blobs\/uploads\/[0-9a-f-]{36}\?/);
    expect(await linkedBlobs("nginx")).toEqual([]);
    expect((await call(`/v2/nginx/blobs/${layer}`, { method: "HEAD" })).status).toBe(404);
    expect((await call(location, { method: "DELETE" })).status).toBe(204);
  });

  it("answers insufficient_scope, naming both scopes, when the token lacks push on the target", async () => {
    const call = client(emulator, await tokenFor(emulator, "repository:nginx:pull", "repository:alpine:pull"));
    const response = await call(`/v2/nginx/blobs/uploads/?from=alpine&mount=${layer}`, { method: "POST" });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer realm="${emulator.endpoint}/oauth2/token",service="${SERVICE}",scope="repository:nginx:pull,push repository:alpine:pull",error="insufficient_scope"`,
    );
    expect(await linkedBlobs("nginx")).toEqual([]);
  });

  it("refuses a mount source that is not a repository name with 400 NAME_INVALID", async () => {
    const response = await fetch(`${emulator.endpoint}/v2/nginx/blobs/uploads/?from=Not%20A%20Name&mount=${layer}`, { method: "POST" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe("NAME_INVALID");
  });
});
