// downloadBlobToFile with an HttpClient of the caller's (here the in-process fake registry): the
// bodies are plain streams, so this covers the file logic (temporary file, rename, cleanup,
// resumes, write staging) apart from the static-buffer client.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { AbortError } from "@azure/abort-controller";
import { DigestMismatchError } from "../../../src/index.js";
import { makeTempDir } from "../../utils/processCleanup.js";
import { fakeContentClient, sha256 } from "../fakes/fakeRegistry.js";

const blob = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 13 + (i >> 8)) & 0xff));
const digest = sha256(blob);

function setup() {
  const { registry, client } = fakeContentClient();
  registry.blobs.set(digest, blob);
  const dir = makeTempDir("acr-test-download-");
  return { registry, client, dir, file: path.join(dir, "blob.bin") };
}

/** A body of `bytes` that fails after `failAfter` of them, as a connection reset does. */
function droppingBody(bytes: Buffer, failAfter: number): Readable {
  return Readable.from(
    (async function* () {
      yield bytes.subarray(0, failAfter);
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    })(),
  );
}

describe("downloadBlobToFile", () => {
  it("writes the blob to the file, reports progress, and leaves nothing else in the folder", async () => {
    const { client, dir, file } = setup();
    const progress: number[] = [];
    const result = await client.downloadBlobToFile(digest, file, { onProgress: ({ loadedBytes }) => progress.push(loadedBytes) });
    expect(result).toEqual({ digest, sizeInBytes: blob.length });
    expect(readFileSync(file).equals(blob)).toBe(true);
    expect(readdirSync(dir)).toEqual(["blob.bin"]);
    expect(progress.at(-1)).toBe(blob.length);
  });

  it("replaces an existing file only once the digest matched; a tampered blob leaves it as it was", async () => {
    const { registry, client, dir, file } = setup();
    writeFileSync(file, "previous");
    const tampered = Buffer.from(blob);
    tampered[100_000] ^= 1;
    registry.handlers.push((request) =>
      request.method === "GET" ? { status: 200, headers: { "content-length": String(blob.length) }, body: tampered } : undefined,
    );
    const failure = await client.downloadBlobToFile(digest, file).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DigestMismatchError);
    expect(failure).toMatchObject({ expectedDigest: digest, actualDigest: sha256(tampered) });
    expect(readFileSync(file, "utf8")).toBe("previous");
    expect(readdirSync(dir)).toEqual(["blob.bin"]);
    registry.handlers.length = 0;
    await client.downloadBlobToFile(digest, file);
    expect(readFileSync(file).equals(blob)).toBe(true);
  });

  it("rejects with the registry's RestError for a missing blob, creating nothing", async () => {
    const { client, dir, file } = setup();
    await expect(client.downloadBlobToFile(sha256(Buffer.from("absent")), file)).rejects.toMatchObject({ statusCode: 404, code: "BLOB_UNKNOWN" });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("resumes a dropped body with a Range request and writes every byte once", async () => {
    const { registry, client, file } = setup();
    let drops = 2;
    registry.handlers.push((request) => {
      if (request.method !== "GET" || drops === 0) return undefined;
      drops--;
      const start = Number(/^bytes=(\d+)-$/.exec(request.headers.get("range") ?? "")?.[1] ?? 0);
      const rest = blob.subarray(start);
      return {
        status: start ? 206 : 200,
        headers: { "content-length": String(rest.length), ...(start ? { "content-range": `bytes ${start}-${blob.length - 1}/${blob.length}` } : {}) },
        body: droppingBody(rest, 70_000),
      };
    });
    expect(await client.downloadBlobToFile(digest, file)).toEqual({ digest, sizeInBytes: blob.length });
    expect(readFileSync(file).equals(blob)).toBe(true);
    expect(registry.requests.filter((r) => r.method === "GET").map((r) => r.headers.range)).toEqual([undefined, "bytes=70000-", "bytes=140000-"]);
  });

  it("gives up after maxResumeAttempts drops without progress, leaving nothing", async () => {
    const { registry, client, dir, file } = setup();
    registry.handlers.push((request) => {
      if (request.method !== "GET") return undefined;
      return { status: 200, headers: { "content-length": String(blob.length) }, body: droppingBody(blob, 0) };
    });
    await expect(client.downloadBlobToFile(digest, file, { maxResumeAttempts: 1 })).rejects.toThrow("socket hang up");
    expect(registry.count("GET")).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("stops with AbortError when aborted mid-body, leaving nothing", async () => {
    const { registry, client, dir, file } = setup();
    const stalled = new Readable({ read() {} });
    stalled.push(blob.subarray(0, 1000));
    registry.handlers.push((request) => (request.method === "GET" ? { status: 200, headers: { "content-length": String(blob.length) }, body: stalled } : undefined));
    const controller = new AbortController();
    const failure = client.downloadBlobToFile(digest, file, { abortSignal: controller.signal, onProgress: () => controller.abort() }).catch((e: unknown) => e);
    expect(await failure).toBeInstanceOf(AbortError);
    expect(stalled.destroyed).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("fails without resuming when the file cannot be created, and releases the response", async () => {
    const { registry, client, dir } = setup();
    const body = Readable.from([blob]);
    // The folder is there when the download starts, and gone by the time the registry answers.
    const folder = path.join(dir, "vanishing-folder");
    mkdirSync(folder);
    registry.handlers.push((request) => {
      if (request.method !== "GET") return undefined;
      rmSync(folder, { recursive: true });
      return { status: 200, headers: { "content-length": String(blob.length) }, body };
    });
    await expect(client.downloadBlobToFile(digest, path.join(folder, "blob.bin"))).rejects.toMatchObject({ code: "ENOENT" });
    expect(body.destroyed).toBe(true);
    expect(registry.count("GET")).toBe(1);
  });

  it("refuses a target in a folder that does not exist before any request", async () => {
    const { registry, client, dir } = setup();
    await expect(client.downloadBlobToFile(digest, path.join(dir, "missing-folder", "blob.bin"))).rejects.toThrow(/not an existing folder/);
    expect(registry.requests).toHaveLength(0);
  });

  it("rejects a file path that is not a non-empty string, and a malformed digest, before any request", async () => {
    const { registry, client } = setup();
    await expect(client.downloadBlobToFile(digest, "")).rejects.toThrow(RangeError);
    await expect(client.downloadBlobToFile(digest, 42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(client.downloadBlobToFile("sha256:nothex", "x")).rejects.toThrow(RangeError);
    expect(registry.requests).toHaveLength(0);
  });
});
