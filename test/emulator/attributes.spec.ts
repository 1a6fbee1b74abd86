import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { ALL_SCOPES, client, OCI_MANIFEST, pushBlob, pushImage, tokenFor, type Client } from "./helpers.js";

const DISALLOWED = "REGISTRY_DISALLOWED_OPERATION";

async function expectDisallowed(response: Promise<Response>): Promise<void> {
  const result = await response;
  expect(result.status).toBe(405);
  expect(((await result.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe(DISALLOWED);
}

describe("emulator: ACR changeable attributes", () => {
  let emulator: AcrEmulator;
  let call: Client;
  const patch = (path: string, body: object): Promise<Response> =>
    call(path, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  beforeAll(async () => {
    emulator = await startAcrEmulator();
    call = client(emulator, await tokenFor(emulator, ...ALL_SCOPES("locked"), ...ALL_SCOPES("repo-locked")));
  });
  afterAll(() => emulator.close());

  it("returns the updated object from PATCH", async () => {
    const image = await pushImage(call, "locked", "v1");
    const tag = await patch("/acr/v1/locked/_tags/v1", { writeEnabled: false });
    expect(tag.status).toBe(200);
    expect(((await tag.json()) as { tag: { changeableAttributes: object } }).tag.changeableAttributes).toEqual({
      deleteEnabled: true,
      writeEnabled: false,
      readEnabled: true,
      listEnabled: true,
    });
    const manifest = await patch(`/acr/v1/locked/_manifests/${image.digest}`, { deleteEnabled: false });
    expect(((await manifest.json()) as { manifest: { changeableAttributes: { deleteEnabled: boolean } } }).manifest.changeableAttributes.deleteEnabled).toBe(false);
    expect((await patch("/acr/v1/locked/_tags/v1", { writeEnabled: "no" })).status).toBe(400);
  });

  it("writeEnabled:false on a tag blocks moving it; deleteEnabled:false blocks deletes", async () => {
    const other = await pushImage(call, "locked", "other");
    await expectDisallowed(call("/v2/locked/manifests/v1", { method: "PUT", headers: { "Content-Type": OCI_MANIFEST }, body: other.content }));
    await expectDisallowed(call(`/v2/locked/manifests/${(await (await call("/acr/v1/locked/_tags/v1")).json() as { tag: { digest: string } }).tag.digest}`, { method: "DELETE" }));
    await patch("/acr/v1/locked/_tags/other", { deleteEnabled: false });
    await expectDisallowed(call("/acr/v1/locked/_tags/other", { method: "DELETE" }));
    await patch("/acr/v1/locked/_tags/other", { deleteEnabled: true });
    expect((await call("/acr/v1/locked/_tags/other", { method: "DELETE" })).status).toBe(202);
  });

  it("readEnabled:false blocks pulls; listEnabled:false hides from listings", async () => {
    const image = await pushImage(call, "locked", "hidden");
    await patch("/acr/v1/locked/_tags/hidden", { readEnabled: false, listEnabled: false });
    await expectDisallowed(call("/v2/locked/manifests/hidden"));
    expect((await call(`/v2/locked/manifests/${image.digest}`)).status).toBe(200);
    const tags = (await (await call("/v2/locked/tags/list")).json()) as { tags: string[] };
    expect(tags.tags).not.toContain("hidden");
    const acrTags = (await (await call("/acr/v1/locked/_tags")).json()) as { tags: Array<{ name: string }> };
    expect(acrTags.tags.map((t) => t.name)).not.toContain("hidden");
  });

  it("applies repository-level attributes", async () => {
    await pushImage(call, "repo-locked", "v1");
    const repository = await patch("/acr/v1/repo-locked", { writeEnabled: false, deleteEnabled: false, listEnabled: false });
    expect(await repository.json()).toMatchObject({
      imageName: "repo-locked",
      manifestCount: 1,
      tagCount: 1,
      changeableAttributes: { writeEnabled: false, deleteEnabled: false, listEnabled: false, readEnabled: true },
    });
    await expectDisallowed(call("/v2/repo-locked/blobs/uploads/", { method: "POST" }));
    await expectDisallowed(call("/acr/v1/repo-locked", { method: "DELETE" }));
    const catalog = (await (await client(emulator, await tokenFor(emulator, "registry:catalog:*"))("/acr/v1/_catalog")).json()) as {
      repositories: string[];
    };
    expect(catalog.repositories).not.toContain("repo-locked");

    await patch("/acr/v1/repo-locked", { readEnabled: false, writeEnabled: true, deleteEnabled: true });
    await expectDisallowed(call("/v2/repo-locked/manifests/v1"));
    const blob = await pushBlob(call, "repo-locked", "x");
    await expectDisallowed(call(`/v2/repo-locked/blobs/${blob}`));

    const deleted = await call("/acr/v1/repo-locked", { method: "DELETE" });
    expect(deleted.status).toBe(202);
    const body = (await deleted.json()) as { manifestsDeleted: string[]; tagsDeleted: string[] };
    expect(body.tagsDeleted).toEqual(["v1"]);
    expect(body.manifestsDeleted).toHaveLength(1);
    const after = await call("/acr/v1/repo-locked");
    expect(after.status).toBe(404);
    expect(((await after.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe("NAME_UNKNOWN");
  });
});
