import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Readable } from "node:stream";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryRequestBody, loadRecording, PlaybackHttpClient, RecordingHttpClient } from "../utils/playback.js";
import { makeTempDir } from "../utils/processCleanup.js";
import { headerValue, sha256Digest } from "../utils/recordingFormat.js";
import { distributionRegistryAvailable, startDistributionRegistry, type RunningRegistry } from "../utils/registry.js";
import { readAll, send, STREAM_ALL } from "./pipelineSend.js";

interface Observed {
  status: number;
  body: string;
  digest?: string;
}

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

/** A push and pull against a registry; every step follows what the previous response said. */
async function registryScenario(endpoint: string, client: HttpClient, layer: Buffer): Promise<Observed[]> {
  const observed: Observed[] = [];
  const note = async (response: Awaited<ReturnType<typeof send>>): Promise<typeof response> => {
    const body = response.readableStreamBody ? await readAll(response.readableStreamBody) : Buffer.from(response.bodyAsText ?? "");
    observed.push({ status: response.status, body: sha256Digest(body), digest: response.headers.get("docker-content-digest") });
    return response;
  };
  await note(await send(`${endpoint}/v2/`, {}, client));
  const started = await note(await send(`${endpoint}/v2/rec/blobs/uploads/`, { method: "POST" }, client));
  const patched = await note(
    await send(
      new URL(started.headers.get("location")!, endpoint).toString(),
      { method: "PATCH", body: Readable.from([layer.subarray(0, 10), layer.subarray(10)]), headers: { "Content-Type": "application/octet-stream" } },
      client,
    ),
  );
  const commit = new URL(patched.headers.get("location")!, endpoint);
  commit.searchParams.set("digest", sha256Digest(layer));
  await note(await send(commit.toString(), { method: "PUT" }, client));
  await note(await send(`${endpoint}/v2/rec/blobs/${sha256Digest(layer)}`, { method: "HEAD" }, client));
  await note(await send(`${endpoint}/v2/rec/blobs/${sha256Digest(layer)}`, { streamResponseStatusCodes: STREAM_ALL }, client));

  const config = Buffer.from("{}");
  const configUpload = new URL((await note(await send(`${endpoint}/v2/rec/blobs/uploads/`, { method: "POST" }, client))).headers.get("location")!, endpoint);
  configUpload.searchParams.set("digest", sha256Digest(config));
  await note(await send(configUpload.toString(), { method: "PUT", body: config }, client));
  const manifest = Buffer.from(
    `${JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256Digest(config), size: config.length },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: sha256Digest(layer), size: layer.length }],
      },
      null,
      4,
    )}\n`,
  );
  await note(await send(`${endpoint}/v2/rec/manifests/v1`, { method: "PUT", body: manifest, headers: { "Content-Type": OCI_MANIFEST } }, client));
  await note(await send(`${endpoint}/v2/rec/manifests/v1`, { headers: { Accept: OCI_MANIFEST } }, client));
  await note(await send(`${endpoint}/v2/rec/tags/list`, {}, client));
  await note(await send(`${endpoint}/v2/rec/manifests/missing`, { headers: { Accept: OCI_MANIFEST } }, client));
  return observed;
}

describe.skipIf(!distributionRegistryAvailable())("RecordingHttpClient against the distribution registry", () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startDistributionRegistry();
  });
  afterAll(() => registry?.stop());

  it("records a session that replays to the same results", async () => {
    const layer = randomBytes(5000);
    const recorder = new RecordingHttpClient(createDefaultHttpClient());
    const live = await registryScenario(registry.endpoint, recorder, layer);
    const file = path.join(makeTempDir("acr-test-recording-"), "nested", "session.json");
    await recorder.save(file);

    const recording = loadRecording(file);
    expect(recording.Entries).toHaveLength(live.length);
    const manifestPut = recording.Entries.find((e) => e.RequestMethod === "PUT" && e.RequestUri.endsWith("/manifests/v1"))!;
    // Stored as a JSON value that playback turns back into the 4-space-indented bytes.
    expect(manifestPut.RequestBody).toMatchObject({ schemaVersion: 2 });
    expect(entryRequestBody(manifestPut)!.toString()).toMatch(/^\{\n {4}"schemaVersion": 2,\n[^]*\}\n$/);
    expect(sha256Digest(entryRequestBody(manifestPut)!)).toBe(headerValue(manifestPut.ResponseHeaders, "Docker-Content-Digest"));

    const playback = new PlaybackHttpClient(file);
    const replayed = await registryScenario("https://elsewhere.invalid", playback, layer);
    expect(replayed).toEqual(live);
    playback.assertAllConsumed();
    expect(live.map((o) => o.status)).toEqual([200, 202, 202, 201, 200, 200, 202, 201, 201, 200, 200, 404]);
    const [manifestPushed, manifestPulled] = live.slice(-4, -2);
    expect(manifestPulled!.digest).toBe(manifestPushed!.digest);
    expect(manifestPulled!.body).toBe(manifestPulled!.digest);
  });

  it("keeps bodies over 1 MiB out of the recording but still passes them through", async () => {
    const big = randomBytes(1024 * 1024 + 1);
    const digest = sha256Digest(big);
    const recorder = new RecordingHttpClient(createDefaultHttpClient());
    const started = await send(`${registry.endpoint}/v2/big/blobs/uploads/`, { method: "POST" }, recorder);
    const commit = new URL(started.headers.get("location")!);
    commit.searchParams.set("digest", digest);
    const uploaded = await send(commit.toString(), { method: "PUT", body: Readable.from([big]) }, recorder);
    expect(uploaded.status).toBe(201);
    const downloaded = await send(`${registry.endpoint}/v2/big/blobs/${digest}`, { streamResponseStatusCodes: STREAM_ALL }, recorder);
    const file = path.join(makeTempDir("acr-test-recording-"), "big.json");
    // save waits for the streamed body to be read.
    const pending = recorder.save(file);
    expect(sha256Digest(await readAll(downloaded.readableStreamBody!))).toBe(digest);
    await pending;
    const [, upload, download] = loadRecording(file).Entries;
    expect([upload!.RequestBody, upload!.RequestBodyLength]).toEqual([null, big.length]);
    expect([download!.ResponseBody, download!.ResponseBodyLength]).toEqual([null, big.length]);
  });
});

describe("RecordingHttpClient sanitising", () => {
  const refreshToken = [
    Buffer.from(JSON.stringify({ alg: "RS256" })).toString("base64url"),
    Buffer.from(JSON.stringify({ exp: 1_900_000_000, sub: "someone@example.com" })).toString("base64url"),
    "signature-part",
  ].join(".");
  let server: http.Server;
  let origin: string;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const url = new URL(request.url!, origin);
      const json = (value: unknown): void => {
        response.writeHead(200, { "Content-Type": "application/json; charset=utf-8" }).end(JSON.stringify(value));
      };
      if (url.pathname === "/oauth2/exchange") json({ refresh_token: refreshToken });
      else if (url.pathname === "/oauth2/token") json({ access_token: "acr-access-secret" });
      else if (url.pathname === "/token") json({ token: "dist-secret", access_token: "dist-secret", expires_in: 60 });
      else if (url.pathname === "/v2/r/blobs/sha256:ab") {
        const location = `${origin}/storage/data?se=2030&sig=REALSIG%2Bx&sp=r`;
        response
          .writeHead(307, { Location: location, "Content-Type": "text/html; charset=utf-8" })
          .end(`<a href="${location.replace(/&/g, "&amp;")}">Temporary Redirect</a>.\n\n`);
      } else response.writeHead(200, { "Content-Type": "application/octet-stream" }).end(Buffer.from([1, 2, 3]));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("replaces credentials, tokens, signatures and hosts", async () => {
    const recorder = new RecordingHttpClient(createDefaultHttpClient());
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    await send(`${origin}/oauth2/exchange?api-version=2021-07-01`, { method: "POST", headers: form, body: "grant_type=access_token&service=s&access_token=ENTRA-SECRET" }, recorder);
    await send(`${origin}/oauth2/token`, { method: "POST", headers: form, body: `grant_type=refresh_token&service=s&scope=repository%3Ar%3Apull&refresh_token=${refreshToken}` }, recorder);
    await send(`${origin}/token?scope=repository:r:pull`, { headers: { Authorization: "Basic dXNlcjpwYXNz" } }, recorder);
    const redirect = await send(`${origin}/v2/r/blobs/sha256:ab`, { headers: { Authorization: "Bearer acr-access-secret" } }, recorder);
    await send(redirect.headers.get("location")!, {}, recorder);
    const file = path.join(makeTempDir("acr-test-recording-"), "sanitised.json");
    await recorder.save(file);

    const text = readFileSync(file, "utf8");
    for (const secret of ["ENTRA-SECRET", "acr-access-secret", "dist-secret", "signature-part", "someone@example.com", "REALSIG", "dXNlcjpwYXNz", "127.0.0.1"]) {
      expect(text).not.toContain(secret);
    }
    const [exchange, token, distToken, blob, storage] = loadRecording(file).Entries;
    // Recorded refresh tokens never expire, so that recordings replay at any later date.
    const sanitizedRefresh = `sanitized.${Buffer.from('{"exp":8640000000000}').toString("base64url")}.sanitized`;
    expect(exchange!.RequestUri).toBe("http://Sanitized.azurecr.io/oauth2/exchange?api-version=2021-07-01");
    expect(exchange!.RequestBody).toBe("grant_type=access_token&service=s&access_token=SecretPlaceholder");
    expect(exchange!.ResponseBody).toEqual({ refresh_token: sanitizedRefresh });
    expect(token!.RequestBody).toBe(`grant_type=refresh_token&service=s&scope=repository%3Ar%3Apull&refresh_token=${sanitizedRefresh}`);
    expect(token!.ResponseBody).toEqual({ access_token: "Sanitized" });
    expect(headerValue(distToken!.RequestHeaders, "Authorization")).toBe("Sanitized");
    expect(distToken!.ResponseBody).toEqual({ token: "Sanitized", access_token: "Sanitized", expires_in: 60 });
    expect(headerValue(blob!.RequestHeaders, "Authorization")).toBe("Sanitized");
    expect(headerValue(blob!.ResponseHeaders, "Location")).toBe("http://Sanitized.azurecr.io/storage/data?se=2030&sig=sanitized&sp=r");
    expect(blob!.ResponseBody).toContain("&amp;sig=sanitized&amp;sp=r");
    expect(storage!.RequestUri).toBe("http://Sanitized.azurecr.io/storage/data?se=2030&sig=sanitized&sp=r");
    expect(storage!.ResponseBody).toBe(Buffer.from([1, 2, 3]).toString("base64"));
  });

  it("takes the host placeholder from sanitizeHost", async () => {
    const recorder = new RecordingHttpClient(createDefaultHttpClient(), { sanitizeHost: () => "registry.example" });
    await send(`${origin}/v2/r/blobs/sha256:ab`, {}, recorder);
    const file = path.join(makeTempDir("acr-test-recording-"), "host.json");
    await recorder.save(file);
    const [entry] = loadRecording(file).Entries;
    expect(entry!.RequestUri).toBe("http://registry.example/v2/r/blobs/sha256:ab");
    expect(headerValue(entry!.ResponseHeaders, "Location")).toMatch(/^http:\/\/registry\.example\/storage\/data\?/);
  });
});
