// The OCI listings (`/v2/<name>/tags/list`, `/v2/_catalog`) as the clients read them: what a
// registry answers is shape-checked before a single name is yielded.
import { describe, expect, it } from "vitest";
import { ContainerRegistryClient, ContainerRegistryContentClient } from "../../../src/index.js";
import { json, scriptedClient, type ScriptedReply } from "../fakes/scriptedClient.js";

const endpoint = "https://registry.test";

async function tagNames(reply: ScriptedReply): Promise<unknown> {
  const client = new ContainerRegistryContentClient(endpoint, "hello", { httpClient: scriptedClient(() => reply), retryOptions: { maxRetries: 0 } });
  const names: string[] = [];
  try {
    for await (const name of client.listTagNames()) names.push(name);
  } catch (error) {
    return error;
  }
  return names;
}

describe("listTagNames on what a registry answers", () => {
  it("yields the tags of a well-formed list, extra fields allowed, and none for null or a missing field", async () => {
    expect(await tagNames(json({ name: "hello", tags: ["a", "b"], extra: { x: 1 } }))).toEqual(["a", "b"]);
    expect(await tagNames(json({ name: "hello", tags: null }))).toEqual([]);
    expect(await tagNames(json({ name: "hello" }))).toEqual([]);
  });

  const hostile: Array<[string, unknown, RegExp]> = [
    ['"tags": "latest" (no letters l, a, t...)', { tags: "latest" }, /"?tags"? must be an array, got a string/],
    ['"tags": [1, {}, null]', { tags: [1, {}, null] }, /tags\[0\] must be a string, got a number/],
    ['"tags": ["ok", null]', { tags: ["ok", null] }, /tags\[1\] must be a string, got null/],
    ["a body that is an array", ["latest"], /the body must be an object, got an array/],
  ];
  for (const [description, body, message] of hostile) {
    it(`fails with an InvalidResponse RestError naming the field for ${description}`, async () => {
      const error = await tagNames(json(body));
      expect(error).toMatchObject({ name: "RestError", code: "InvalidResponse", statusCode: 200 });
      expect((error as Error).message).toMatch(message);
    });
  }

  it("fails with an InvalidResponse RestError for a body that is not JSON", async () => {
    expect(await tagNames({ status: 200, headers: { "content-type": "text/plain" }, body: "tags: latest" })).toMatchObject({ code: "InvalidResponse" });
  });
});

describe("the OCI catalog fallback of listRepositoryNames", () => {
  it("fails with an InvalidResponse RestError naming repositories when it is not an array of strings", async () => {
    const httpClient = scriptedClient((request) =>
      new URL(request.url).pathname === "/v2/_catalog" ? json({ repositories: [{ name: "hello" }] }) : json({ errors: [{ code: "NOT_FOUND" }] }, 404),
    );
    const client = new ContainerRegistryClient(endpoint, { httpClient, retryOptions: { maxRetries: 0 } });
    await expect(client.listRepositoryNames().next()).rejects.toMatchObject({ code: "InvalidResponse", message: expect.stringMatching(/repositories\[0\] must be a string, got an object/) });
  });
});
