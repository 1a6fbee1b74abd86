import { Readable } from "node:stream";
import { isRestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { PlaybackHttpClient, type RecordedEntry, type Recording } from "../utils/playback.js";
import { decodeBody, sha256Digest } from "../utils/recordingFormat.js";
import { readAll, send, STREAM_ALL } from "./pipelineSend.js";

function entry(method: string, uri: string, overrides: Partial<RecordedEntry> = {}): RecordedEntry {
  return {
    RequestUri: uri,
    RequestMethod: method,
    RequestHeaders: {},
    RequestBody: null,
    StatusCode: 200,
    ResponseHeaders: {},
    ResponseBody: null,
    ...overrides,
  };
}

function recording(...entries: RecordedEntry[]): Recording {
  return { Entries: entries, Variables: {} };
}

const json = { "Content-Type": "application/json" };

describe("PlaybackHttpClient matching", () => {
  it("ignores the host, compares the decoded path and the query as a multiset", async () => {
    const client = new PlaybackHttpClient(
      recording(
        entry("GET", "https://Sanitized.azurecr.io/acr/v1/library%2Fhello/_tags?n=1&last=a&orderby=", {
          ResponseHeaders: json,
          ResponseBody: { tags: ["b"] },
        }),
      ),
    );
    const response = await send("http://127.0.0.1:9/acr/v1/library/hello/_tags?orderby=&last=a&n=1", {}, client);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.bodyAsText!)).toEqual({ tags: ["b"] });
    client.assertAllConsumed();
  });

  it("does not treat a repeated query parameter as a single one", async () => {
    const client = new PlaybackHttpClient(recording(entry("GET", "https://h/x?a=1&a=1")));
    await expect(send("https://h/x?a=1", {}, client)).rejects.toThrow(/no recorded entry matches GET \/x\?a=1/);
    expect((await send("https://h/x?a=1&a=1", {}, client)).status).toBe(200);
  });

  it("consumes each entry once, taking the first unconsumed match", async () => {
    const client = new PlaybackHttpClient(
      recording(
        entry("GET", "https://h/v2/", { StatusCode: 401 }),
        entry("POST", "https://h/oauth2/token"),
        entry("GET", "https://h/v2/", { StatusCode: 200 }),
      ),
    );
    expect((await send("https://h/v2/", {}, client)).status).toBe(401);
    expect((await send("https://h/v2/", {}, client)).status).toBe(200);
    expect(client.remaining().map((e) => e.RequestMethod)).toEqual(["POST"]);
    expect(() => client.assertAllConsumed()).toThrow(/1 recorded request\(s\) were never sent:\n {2}POST \/oauth2\/token/);
    await send("https://h/oauth2/token", { method: "POST" }, client);
    expect(client.remaining()).toEqual([]);
    await expect(send("https://h/v2/", {}, client)).rejects.toThrow(/all 3 entries are consumed/);
  });

  it("rejects with a RestError naming the request and the next expected entry", async () => {
    const client = new PlaybackHttpClient(
      recording(entry("GET", "https://h/v2/a/tags/list?n=2"), entry("DELETE", "https://h/v2/a/manifests/x")),
    );
    const error = await send("https://other/v2/a/manifests/x?y=1", { method: "PUT" }, client).catch((e: unknown) => e);
    expect(isRestError(error)).toBe(true);
    expect((error as Error).message).toBe(
      "recording: no recorded entry matches PUT /v2/a/manifests/x?y=1; next expected entry 1/2: GET /v2/a/tags/list?n=2",
    );
    expect(client.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["PUT https://other/v2/a/manifests/x?y=1"]);
  });
});

describe("PlaybackHttpClient responses", () => {
  const blob = Buffer.from([0, 1, 2, 253, 254, 255]);
  const recorded = (): PlaybackHttpClient =>
    new PlaybackHttpClient(
      recording(
        entry("GET", "https://h/v2/r/blobs/sha256:1", {
          ResponseHeaders: { "Content-Type": "application/octet-stream", "Strict-Transport-Security": ["a", "b"] },
          ResponseBody: blob.toString("base64"),
        }),
      ),
    );

  it("streams the statuses in streamResponseStatusCodes as a Node Readable", async () => {
    const response = await send("https://h/v2/r/blobs/sha256:1", { streamResponseStatusCodes: new Set([200]) }, recorded());
    expect(response.readableStreamBody).toBeInstanceOf(Readable);
    expect(response.bodyAsText).toBeUndefined();
    expect(await readAll(response.readableStreamBody!)).toEqual(blob);
  });

  it("gives other statuses as bodyAsText, with repeated headers joined", async () => {
    const response = await send("https://h/v2/r/blobs/sha256:1", { streamResponseStatusCodes: new Set([206]) }, recorded());
    expect(response.readableStreamBody).toBeUndefined();
    expect(response.bodyAsText).toBe(blob.toString("utf8"));
    expect(response.headers.get("strict-transport-security")).toBe("a, b");
  });

  it("gives no body to HEAD", async () => {
    const client = new PlaybackHttpClient(recording(entry("HEAD", "https://h/x", { ResponseBody: "text", ResponseHeaders: { "Content-Type": "text/plain" } })));
    const response = await send("https://h/x", { method: "HEAD", streamResponseStatusCodes: STREAM_ALL }, client);
    expect(response.readableStreamBody).toBeUndefined();
    expect(response.bodyAsText).toBeUndefined();
  });

  it("replays a body kept out of the recording as zeros of its length", async () => {
    const client = new PlaybackHttpClient(
      recording(entry("GET", "https://h/big", { ResponseBodyLength: 200_000, ResponseHeaders: { "Content-Type": "application/octet-stream" } })),
    );
    const progress: number[] = [];
    const response = await send(
      "https://h/big",
      { streamResponseStatusCodes: STREAM_ALL, onDownloadProgress: (p) => progress.push(p.loadedBytes) },
      client,
    );
    expect((await readAll(response.readableStreamBody!)).equals(Buffer.alloc(200_000))).toBe(true);
    expect(progress.at(-1)).toBe(200_000);
    expect(progress.length).toBeGreaterThan(1);
  });
});

describe("PlaybackHttpClient request bodies", () => {
  const upload = (): PlaybackHttpClient =>
    new PlaybackHttpClient(recording(...Array.from({ length: 8 }, () => entry("PATCH", "https://h/upload", { StatusCode: 202 }))));

  it("drains every kind of body, logging its length and at most its first 64 KiB", async () => {
    const client = upload();
    const big = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
    const bodies = [
      "héllo",
      Buffer.from("buffer"),
      new Uint8Array([1, 2, 3]).buffer,
      Readable.from([big.subarray(0, 1000), big.subarray(1000)]),
      () => Readable.from([Buffer.from("factory")]),
      new Blob(["blob!"]),
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array([9, 9]));
          controller.close();
        },
      }),
    ];
    for (const body of bodies) await send("https://h/upload", { method: "PATCH", body }, client);
    expect(client.requests.map((r) => r.bodyLength)).toEqual([6, 6, 3, big.length, 7, 5, 2]);
    expect(client.requests[3]!.body.equals(big.subarray(0, 64 * 1024))).toBe(true);
    expect(client.requests[4]!.body.toString()).toBe("factory");
  });

  it("encodes formData as a full pipeline would", async () => {
    const client = upload();
    await send(
      "https://h/upload",
      {
        method: "PATCH",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        formData: { grant_type: "refresh_token", scope: "repository:a b:pull" },
      },
      client,
    );
    expect(client.requests[0]!.body.toString()).toBe("grant_type=refresh_token&scope=repository%3Aa+b%3Apull");
    await send("https://h/upload", { method: "PATCH", formData: { file: new Blob(["abc"]) } }, client);
    expect(client.requests[1]!.body.toString()).toContain('name="file"');
  });

  it("reports upload progress while draining", async () => {
    const progress: number[] = [];
    await send(
      "https://h/upload",
      { method: "PATCH", body: Readable.from([Buffer.alloc(10), Buffer.alloc(5)]), onUploadProgress: (p) => progress.push(p.loadedBytes) },
      upload(),
    );
    expect(progress).toEqual([10, 15]);
  });
});

describe("PlaybackHttpClient abort", () => {
  it("rejects an already aborted request with an AbortError", async () => {
    const client = new PlaybackHttpClient(recording(entry("GET", "https://h/x")));
    const error = await send("https://h/x", { abortSignal: AbortSignal.abort() }, client).catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
    expect(client.remaining()).toHaveLength(1);
  });

  it("rejects while a stalled body is still being read", async () => {
    const controller = new AbortController();
    const stalled = new Readable({ read() {} });
    stalled.push(Buffer.from("first"));
    const pending = send("https://h/x", { method: "PUT", body: stalled, abortSignal: controller.signal }, new PlaybackHttpClient(recording()));
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  it("errors a streamed response body when aborted", async () => {
    const controller = new AbortController();
    const client = new PlaybackHttpClient(
      recording(entry("GET", "https://h/big", { ResponseBodyLength: 1_000_000, ResponseHeaders: { "Content-Type": "application/octet-stream" } })),
    );
    const response = await send("https://h/big", { streamResponseStatusCodes: STREAM_ALL, abortSignal: controller.signal }, client);
    controller.abort();
    await expect(readAll(response.readableStreamBody!)).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("decodeBody", () => {
  const manifest = { schemaVersion: 2, config: { digest: "sha256:aa", size: 1 }, layers: [] };
  const none = { digests: [] };

  it("rebuilds the JSON layout whose digest matches", () => {
    for (const text of [JSON.stringify(manifest), `${JSON.stringify(manifest, null, 3)}\n`, `${JSON.stringify(manifest, null, 4)}\n`]) {
      const bytes = decodeBody(manifest, "application/vnd.oci.image.manifest.v1+json", { digests: [sha256Digest(Buffer.from(text))] });
      expect(bytes!.toString()).toBe(text);
    }
  });

  it("falls back to the recorded Content-Length, then to compact JSON", () => {
    expect(decodeBody({ a: 1 }, "application/json", { digests: [], length: 8 })!.toString()).toBe('{"a":1}\n');
    expect(decodeBody({ a: 1 }, "application/json", { digests: ["sha256:00"] })!.toString()).toBe('{"a":1}');
  });

  it("decodes strings by content type", () => {
    expect(decodeBody("AAEC", "application/octet-stream", none)).toEqual(Buffer.from([0, 1, 2]));
    expect(decodeBody("AAEC", undefined, none)).toEqual(Buffer.from([0, 1, 2]));
    expect(decodeBody("a=b", "application/x-www-form-urlencoded", none)!.toString()).toBe("a=b");
    expect(decodeBody('"quoted"', "application/json", none)!.toString()).toBe('"quoted"');
    // Base64 under a JSON type: how the shared recordings store a Docker manifest.
    expect(decodeBody("eyJhIjoxfQ==", "application/vnd.docker.distribution.manifest.v2+json", none)!.toString()).toBe('{"a":1}');
    expect(decodeBody(["<a>x</a>.\n", "\n"], "text/html; charset=utf-8", none)!.toString()).toBe("<a>x</a>.\n\n");
    expect(decodeBody(["x"], "application/json", none)!.toString()).toBe('["x"]');
    expect(decodeBody(null, "application/json", none)).toBeUndefined();
  });
});
