// Endless listings end: a rel="next" link back to a page already read is a PaginationLoop
// RestError (src/paging/pagedIterator.ts keeps the links each iteration followed).
import { describe, expect, it } from "vitest";
import { ContainerRegistryContentClient } from "../../../src/index.js";
import { json, scriptedClient } from "../fakes/scriptedClient.js";

const endpoint = "https://registry.test";

describe("pagination loops", () => {
  function tagClient(link: (url: URL) => string | undefined) {
    const httpClient = scriptedClient((request) => {
      const url = new URL(request.url);
      const next = link(url);
      return json({ tags: [url.searchParams.get("last") ?? "first"] }, 200, next ? { link: `<${next}>; rel="next"` } : {});
    });
    return { httpClient, client: new ContainerRegistryContentClient(endpoint, "hello", { httpClient, retryOptions: { maxRetries: 0 } }) };
  }

  /** Reads a listing to its end or its error; a listing still going after 50 items is reported as endless. */
  async function drain(iterable: AsyncIterable<string>): Promise<{ items: string[]; error?: unknown }> {
    const items: string[] = [];
    try {
      for await (const item of iterable) {
        items.push(item);
        if (items.length > 50) return { items, error: new Error("endless listing") };
      }
    } catch (error) {
      return { items, error };
    }
    return { items };
  }

  it("fails with PaginationLoop when a next link points back at the page just read, after 2 requests", async () => {
    const { httpClient, client } = tagClient(() => "/v2/hello/tags/list?last=a&n=1");
    const { items, error } = await drain(client.listTagNames());
    expect(error).toMatchObject({ name: "RestError", code: "PaginationLoop" });
    expect(items).toEqual(["first", "a"]);
    expect(httpClient.requests).toHaveLength(2);
  });

  it("fails with PaginationLoop when a next link points back at the first page, after 3 requests", async () => {
    const { httpClient, client } = tagClient((url) => (url.searchParams.has("last") ? "/v2/hello/tags/list" : "/v2/hello/tags/list?last=b"));
    const { error } = await drain(client.listTagNames());
    expect(error).toMatchObject({ code: "PaginationLoop" });
    expect(httpClient.requests).toHaveLength(3);
  });

  it("detects a loop per iteration: byPage from a continuation token, and a fresh listing, each start afresh", async () => {
    const { client } = tagClient((url) => (url.searchParams.get("last") === "c" ? undefined : "/v2/hello/tags/list?last=c"));
    const pages = [];
    for await (const page of client.listTagNames().byPage({ continuationToken: "/v2/hello/tags/list?last=b" })) pages.push([...page]);
    expect(pages).toEqual([["b"], ["c"]]);
    expect((await drain(client.listTagNames())).items).toEqual(["first", "c"]);
  });
});
