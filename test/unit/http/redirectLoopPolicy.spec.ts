// Redirect loops and redirect chains end in a typed RestError after a bounded number of requests:
// a loop at its first repeated URL (redirectLoopPolicy below core's redirect policy, and
// sendFollowingRedirects across the hops it follows itself), a chain at its hop limit.
import { describe, expect, it } from "vitest";
import { ContainerRegistryClient, ContainerRegistryContentClient } from "../../../src/index.js";
import { scriptedClient, type ScriptedReply } from "../fakes/scriptedClient.js";

const endpoint = "https://registry.test";
const digest = `sha256:${"e".repeat(64)}`;
const blobPath = `/v2/hello/blobs/${digest}`;

function redirect(status: number, location: string): ScriptedReply {
  return { status, headers: { location }, body: "" };
}

function contentClient(answer: Parameters<typeof scriptedClient>[0]) {
  const httpClient = scriptedClient(answer);
  return { httpClient, client: new ContainerRegistryContentClient(endpoint, "hello", { httpClient, retryOptions: { maxRetries: 0 } }) };
}

async function failure(operation: Promise<unknown>): Promise<unknown> {
  return operation.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("redirect loops", () => {
  it("stops a same-origin loop that core's redirect policy follows (302 A -> B -> A) at its first repeat: RedirectLoop after 2 requests", async () => {
    const { httpClient, client } = contentClient((request) => {
      const { pathname } = new URL(request.url);
      return pathname === blobPath ? redirect(302, "/elsewhere") : redirect(302, blobPath);
    });
    const error = await failure(client.downloadBlob(digest));
    expect(error).toMatchObject({ name: "RestError", code: "RedirectLoop", statusCode: 302 });
    expect(httpClient.requests).toHaveLength(2);
  });

  it("stops a 308 loop, which the library follows itself, at its first repeat", async () => {
    const { httpClient, client } = contentClient((request) => (new URL(request.url).pathname === blobPath ? redirect(308, "/b") : redirect(308, blobPath)));
    expect(await failure(client.getBlobProperties(digest))).toMatchObject({ code: "RedirectLoop" });
    expect(httpClient.requests).toHaveLength(2);
  });

  it("stops a metadata operation redirected to itself: RedirectLoop after 1 request", async () => {
    const httpClient = scriptedClient((request) => redirect(307, request.url));
    const client = new ContainerRegistryClient(endpoint, { httpClient, retryOptions: { maxRetries: 0 } });
    expect(await failure(client.getRepository("hello").getProperties())).toMatchObject({ code: "RedirectLoop" });
    expect(httpClient.requests).toHaveLength(1);
  });

  it("stops a loop on another host (the registry's 307 to storage, which redirects back and forth) at its first repeat", async () => {
    const { httpClient, client } = contentClient((request) => {
      const url = new URL(request.url);
      if (url.host === "registry.test") return redirect(307, "https://storage.test/a");
      return redirect(302, url.pathname === "/a" ? "https://storage.test/b" : "https://storage.test/a");
    });
    expect(await failure(client.downloadBlob(digest))).toMatchObject({ name: "RestError", code: "RedirectLoop" });
    expect(httpClient.requests).toHaveLength(3);
  });

  it("ends an endless chain of distinct 308s with TooManyRedirects after 6 requests", async () => {
    let hop = 0;
    const { httpClient, client } = contentClient(() => redirect(308, `/hop/${++hop}`));
    const error = await failure(client.downloadBlob(digest));
    expect(error).toMatchObject({ name: "RestError", code: "TooManyRedirects", statusCode: 308 });
    expect(httpClient.requests).toHaveLength(6);
  });

  it("ends an endless chain of distinct 302s (core follows 20 per request) with TooManyRedirects, bounded at 126 requests", async () => {
    let hop = 0;
    const { httpClient, client } = contentClient(() => redirect(302, `/hop/${++hop}`));
    expect(await failure(client.downloadBlob(digest))).toMatchObject({ code: "TooManyRedirects" });
    expect(httpClient.requests.length).toBeLessThanOrEqual(126);
  });

  it("still follows a redirect chain without a loop", async () => {
    const { client } = contentClient((request) => {
      const { pathname } = new URL(request.url);
      if (pathname === blobPath) return redirect(302, "/a");
      if (pathname === "/a") return redirect(308, "/b");
      return { status: 200, headers: { "content-length": "0" }, body: "" };
    });
    expect(await client.blobExists(digest)).toBe(true);
  });
});
