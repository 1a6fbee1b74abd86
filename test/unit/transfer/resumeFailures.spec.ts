// How a download that cannot go on fails (src/transfer/blobDownload.ts, openedBlob.ts): a reset
// after the last resume attempt is a ConnectionDropped RestError, a 206 that starts past the byte
// the download stopped at is UnexpectedContentRange, for streams and files alike.
import path from "node:path";
import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ContainerRegistryContentClient } from "../../../src/index.js";
import { makeTempDir } from "../../utils/processCleanup.js";
import { scriptedClient, type ScriptedReply } from "../fakes/scriptedClient.js";

const blob = Buffer.alloc(4000, 7);
const digest = `sha256:${createHash("sha256").update(blob).digest("hex")}`;

/** A 200 whose body resets after `bytes` bytes. */
function resetAfter(bytes: number): ScriptedReply {
  const stream = Readable.from(
    (async function* () {
      yield blob.subarray(0, bytes);
      throw Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    })(),
  );
  return { status: 200, headers: { "content-length": String(blob.length) }, stream };
}

function client(replies: ScriptedReply[]) {
  const httpClient = scriptedClient(() => replies.shift() ?? { status: 500, body: "" });
  return { httpClient, client: new ContainerRegistryContentClient("https://registry.test", "hello", { httpClient, retryOptions: { maxRetries: 0 } }) };
}

async function streamFailure(download: Promise<{ content: NodeJS.ReadableStream }>): Promise<unknown> {
  const { content } = await download;
  try {
    for await (const _ of content) void _;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("a download that cannot be resumed", () => {
  it("fails its stream with a ConnectionDropped RestError when the connection resets after the last attempt", async () => {
    const { httpClient, client: c } = client([resetAfter(1000), resetAfter(0)]);
    const error = await streamFailure(c.downloadBlob(digest, { maxResumeAttempts: 1 }));
    expect(error).toMatchObject({ name: "RestError", code: "ConnectionDropped" });
    expect((error as Error).message).toMatch(/stopped at byte 1000 of 4000.*ECONNRESET/);
    expect(httpClient.requests).toHaveLength(2);
  });

  it("fails downloadBlobToFile with a ConnectionDropped RestError when resuming is off", async () => {
    const { client: c } = client([resetAfter(1000)]);
    const file = path.join(makeTempDir("acr-test-resume-"), "blob");
    await expect(c.downloadBlobToFile(digest, file, { maxResumeAttempts: 0 })).rejects.toMatchObject({ name: "RestError", code: "ConnectionDropped" });
  });

  it("fails with an UnexpectedContentRange RestError when the 206 of a resume starts past where the download stopped", async () => {
    const late: ScriptedReply = { status: 206, headers: { "content-range": `bytes 2000-3999/4000`, "content-length": "2000" }, stream: Readable.from([blob.subarray(2000)]) };
    const { client: c } = client([resetAfter(1000), late]);
    const error = await streamFailure(c.downloadBlob(digest, { maxResumeAttempts: 1 }));
    expect(error).toMatchObject({ name: "RestError", code: "UnexpectedContentRange", statusCode: 206 });
  });

  it("keeps a registry's own refusal as it is: a 404 on resume stays a 404 RestError", async () => {
    const { client: c } = client([resetAfter(1000), { status: 404, body: JSON.stringify({ errors: [{ code: "BLOB_UNKNOWN", message: "gone" }] }) }]);
    expect(await streamFailure(c.downloadBlob(digest, { maxResumeAttempts: 2 }))).toMatchObject({ statusCode: 404, code: "BLOB_UNKNOWN" });
  });
});
