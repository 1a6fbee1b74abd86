// What an upload session's requests carry and where: only the protocol's headers to another host,
// and a cancel the registry refuses is logged (verbose), never thrown.
import { describe, expect, it } from "vitest";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { ContainerRegistryContentClient } from "../../../src/index.js";
import { captureVerboseLog } from "../../utils/verboseLog.js";
import { ENDPOINT, error, FakeRegistry, sha256 } from "../fakes/fakeRegistry.js";

const OTHER_HOST = "https://uploads.other.test";

/** Credentials the caller's own pipeline policy adds to every request. */
const callerCredentials: PipelinePolicy = {
  name: "callerCredentials",
  sendRequest(request, next) {
    request.headers.set("Authorization", "Basic dXNlcjpwYXNz");
    request.headers.set("Cookie", "session=abc");
    request.headers.set("x-api-key", "k3y");
    return next(request);
  },
};

function clientOf(registry: FakeRegistry): ContainerRegistryContentClient {
  return new ContainerRegistryContentClient(ENDPOINT, "library/test", {
    httpClient: registry,
    retryOptions: { maxRetries: 2, retryDelayInMs: 1 },
    additionalPolicies: [{ policy: callerCredentials, position: "perCall" }],
  });
}

describe("upload sessions on another host", () => {
  /** The registry hands out a session whose Location is on another host (the fake serves any host). */
  function registryWithRemoteSession(): FakeRegistry {
    const registry = new FakeRegistry();
    registry.handlers.push((request) => {
      if (request.method !== "POST") return undefined;
      registry.uploads.set("u7", Buffer.alloc(0));
      return { status: 202, headers: { location: `${OTHER_HOST}/v2/library/test/blobs/uploads/u7?_state=u7%3D%3D`, range: "0-0" } };
    });
    return registry;
  }

  it("PATCH, the status GET and PUT there carry no Authorization, Cookie or x-api-key; the registry's own host still gets them", async () => {
    const registry = registryWithRemoteSession();
    let patches = 0;
    registry.handlers.push((request) => (request.method === "PATCH" && ++patches === 1 ? error(503, "UNAVAILABLE") : undefined));
    const data = Buffer.from("remote session");
    expect((await clientOf(registry).uploadBlob(data)).digest).toBe(sha256(data));
    const remote = registry.requests.filter((r) => r.url.startsWith(OTHER_HOST));
    expect(remote.map((r) => r.method)).toEqual(["PATCH", "GET", "PATCH", "PUT"]);
    const post = registry.requests.find((r) => r.method === "POST")!;
    expect([post.headers.authorization, post.headers.cookie, post.headers["x-api-key"]]).toEqual(["Basic dXNlcjpwYXNz", "session=abc", "k3y"]);
    // Only what the protocol needs (and the user agent).
    expect(remote.map((r) => Object.keys(r.headers).sort().join(","))).toEqual([
      "content-length,content-type,user-agent",
      "user-agent",
      "content-length,content-type,user-agent",
      "content-length,content-type,user-agent",
    ]);
  });

  it("the cancel of a failed upload goes there without credentials too", async () => {
    const registry = registryWithRemoteSession();
    registry.handlers.push((request) => (request.method === "PATCH" ? error(400, "SIZE_INVALID") : undefined));
    await expect(clientOf(registry).uploadBlob(Buffer.from("x"))).rejects.toMatchObject({ code: "SIZE_INVALID" });
    const cancel = registry.requests.find((r) => r.method === "DELETE")!;
    expect(cancel.url.startsWith(OTHER_HOST)).toBe(true);
    expect([cancel.headers.authorization, cancel.headers.cookie, cancel.headers["x-api-key"]]).toEqual([undefined, undefined, undefined]);
  });
});

describe("cancelling a failed upload", () => {
  it("logs a cancel the registry refuses at the verbose level and fails with the upload's own error", async () => {
    const registry = new FakeRegistry();
    registry.handlers.push((request) => (request.method === "PATCH" ? error(400, "SIZE_INVALID", "no room") : undefined));
    registry.handlers.push((request) => (request.method === "DELETE" ? error(404, "BLOB_UPLOAD_INVALID", "blob upload invalid") : undefined));
    const log = await captureVerboseLog(async () => {
      await expect(clientOf(registry).uploadBlob(Buffer.from("x"))).rejects.toMatchObject({ code: "SIZE_INVALID" });
    });
    expect(log.match(/container-registry:verbose The registry refused to cancel upload session [^\n]*404 BLOB_UPLOAD_INVALID/g)).toHaveLength(1);
    expect(log).not.toMatch(/container-registry:warning [^\n]*cancel/);
    // The session's opaque state never reaches a log line.
    expect(log).not.toMatch(/u1%3D%3D|u1==/);
  });
});
