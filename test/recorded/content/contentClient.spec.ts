// Conformance: the recordings of real ACR sessions of the official client's content tests
// (../shared/acr-recordings/js/containerregistrycontentclient) replay through this library's public
// API, and what it returns matches the recorded responses: digests, sizes, media types, bytes.
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { ContainerRegistryContentClient, KnownManifestMediaType, type OciImageManifest } from "../../../src/index.js";
import {
  entryRequestBody,
  entryResponseBody,
  loadRecording,
  PlaybackHttpClient,
  SHARED_RECORDINGS_ABSENT,
  sharedRecordingsDir,
  type RecordedEntry,
  type Recording,
} from "../../utils/playback.js";
import { headerValue, sha256Digest } from "../../utils/recordingFormat.js";

const recordingsRoot = sharedRecordingsDir();
const folder = recordingsRoot && path.join(recordingsRoot, "containerregistrycontentclient");
const endpoint = "https://myregistry.azurecr.io";

/** The recordings' Entra token is sanitised: any token will do, the exchange itself is replayed. */
const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: "entra-token", expiresOnTimestamp: Date.now() + 3600_000 }),
};

/** The manifest object of the official tests, key order included: its compact JSON is what was pushed. */
const ociManifest: OciImageManifest = {
  schemaVersion: 2,
  config: {
    mediaType: "application/vnd.oci.image.config.v1+json",
    digest: "sha256:d25b42d3dbad5361ed2d909624d899e7254a822c9a632b582ebd3a44f9b0dbc8",
    size: 171,
  },
  layers: [
    {
      mediaType: "application/vnd.oci.image.layer.v1.tar",
      digest: "sha256:654b93f61054e4ce90ed203bb8d556a6200d5f906cf3eca0620738d6dc18cbed",
      size: 28,
      annotations: { "org.opencontainers.image.title": "artifact.txt" },
    },
  ],
};

interface Replay {
  recording: Recording;
  playback: PlaybackHttpClient;
  client: (repository: string) => ContainerRegistryContentClient;
  /** Entries of the registry API (no token endpoints) that succeeded, in order. */
  calls: RecordedEntry[];
}

let current: Replay | undefined;

function replay(file: string): Replay {
  const recording = loadRecording(path.join(folder!, file));
  const playback = new PlaybackHttpClient(recording);
  const client = (repository: string): ContainerRegistryContentClient =>
    new ContainerRegistryContentClient(endpoint, repository, credential, { httpClient: playback, retryOptions: { maxRetries: 0 } });
  const calls = recording.Entries.filter((entry) => !entry.RequestUri.includes("/oauth2/") && entry.StatusCode !== 401);
  current = { recording, playback, client, calls };
  return current;
}

afterEach(() => {
  // Every recorded request was made, and nothing else (an unmatched request throws in playback).
  current?.playback.assertAllConsumed();
  current = undefined;
});

/** Bytes the official client uploaded as blobs, in order (one PATCH each in these recordings). */
function uploadedBlobs(calls: RecordedEntry[]): Buffer[] {
  return calls.filter((entry) => entry.RequestMethod === "PATCH").map((entry) => entryRequestBody(entry)!);
}

/** The digests the registry confirmed for the uploads, in order. */
function confirmedBlobDigests(calls: RecordedEntry[]): string[] {
  return calls
    .filter((entry) => entry.RequestMethod === "PUT" && entry.RequestUri.includes("/blobs/uploads/"))
    .map((entry) => headerValue(entry.ResponseHeaders, "Docker-Content-Digest")!);
}

function only(calls: RecordedEntry[], method: string, pattern: RegExp): RecordedEntry {
  const found = calls.filter((entry) => entry.RequestMethod === method && pattern.test(entry.RequestUri));
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** Uploads what the recording uploaded, as streams of unknown length (the official tests used file streams). */
async function uploadAll(client: ContainerRegistryContentClient, { calls }: Replay): Promise<void> {
  const expected = confirmedBlobDigests(calls);
  const blobs = uploadedBlobs(calls);
  expect(blobs).toHaveLength(expected.length);
  for (const [index, blob] of blobs.entries()) {
    const result = await client.uploadBlob(Readable.from([blob]));
    expect(result).toEqual({ digest: expected[index], sizeInBytes: blob.length });
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe.skipIf(!folder)("recorded ACR content sessions (../shared/acr-recordings/js/containerregistrycontentclient)", () => {
  it("can upload blob (a stream), then download it through ACR's redirect to blob storage", async () => {
    const session = replay("recording_can_upload_blob.json");
    const client = session.client("oci-artifact");
    await uploadAll(client, session);
    const digest = confirmedBlobDigests(session.calls)[0]!;
    const download = await client.downloadBlob(digest);
    const storage = only(session.calls, "GET", /blob\.core\.windows\.net/);
    expect(download.digest).toBe(digest);
    expect(download.sizeInBytes).toBe(Number(headerValue(storage.ResponseHeaders, "Content-Length")));
    expect((await readAll(download.content)).equals(entryResponseBody(storage)!)).toBe(true);
    expect(download.sizeInBytes).toBe(28);
    // The streamed PATCH went out once, already authorised by the token the bodiless POST's challenge earned.
    const patches = session.playback.requests.filter((request) => request.method === "PATCH");
    expect(patches.map((request) => request.headers.authorization)).toEqual(["Bearer Sanitized"]);
  });

  it("can upload blob from a buffer, and download it with no token sent to blob storage", async () => {
    const session = replay("recording_can_upload_blob_from_a_buffer.json");
    const client = session.client("oci-artifact");
    const { digest, sizeInBytes } = await client.uploadBlob(Buffer.alloc(1024, 0x00));
    expect({ digest, sizeInBytes }).toEqual({ digest: confirmedBlobDigests(session.calls)[0], sizeInBytes: 1024 });
    const download = await client.downloadBlob(digest);
    expect((await readAll(download.content)).equals(Buffer.alloc(1024))).toBe(true);
    // Nothing but the sanitised URL reached blob storage: no token next to its signature.
    const storageRequest = session.playback.requests.find((request) => request.url.includes("blob.core.windows.net"))!;
    expect(storageRequest.headers.authorization).toBeUndefined();
  });

  it("can upload OCI manifest (an object, serialised once), get it by digest and delete it", async () => {
    const session = replay("recording_can_upload_oci_manifest.json");
    const client = session.client("oci-artifact");
    await uploadAll(client, session);
    const put = only(session.calls, "PUT", /\/manifests\//);
    expect(Buffer.from(JSON.stringify(ociManifest)).equals(entryRequestBody(put)!)).toBe(true);
    const { digest } = await client.setManifest(ociManifest);
    expect(digest).toBe(headerValue(put.ResponseHeaders, "Docker-Content-Digest"));
    const got = await client.getManifest(digest);
    const get = only(session.calls, "GET", /\/manifests\//);
    expect(got.digest).toBe(headerValue(get.ResponseHeaders, "Docker-Content-Digest"));
    expect(got.mediaType).toBe(KnownManifestMediaType.OciImageManifest);
    expect(got.content.equals(entryResponseBody(get)!)).toBe(true);
    expect(got.manifest).toEqual(ociManifest);
    await client.deleteManifest(digest);
  });

  it.each([
    ["buffer", "recording_can_upload_oci_manifest_from_buffer.json", (bytes: Buffer) => bytes],
    ["stream", "recording_can_upload_oci_manifest_from_stream.json", (bytes: Buffer) => Readable.from([bytes.subarray(0, 100), bytes.subarray(100)])],
  ])("can upload OCI manifest from a %s, keeping its bytes", async (_, file, wrap) => {
    const session = replay(file);
    const client = session.client("oci-artifact");
    await uploadAll(client, session);
    const put = only(session.calls, "PUT", /\/manifests\//);
    const bytes = entryRequestBody(put)!;
    // The file the official test read is indented: its digest is not the compact JSON's.
    expect(bytes.length).toBe(567);
    const { digest } = await client.setManifest(wrap(bytes));
    expect(digest).toBe(sha256Digest(bytes));
    expect(digest).toBe(headerValue(put.ResponseHeaders, "Docker-Content-Digest"));
    const got = await client.getManifest(digest);
    expect(got).toMatchObject({ digest, mediaType: KnownManifestMediaType.OciImageManifest, manifest: ociManifest });
    expect(got.content.equals(bytes)).toBe(true);
    await client.deleteManifest(digest);
  });

  it("can upload OCI manifest with tag, and get it by that tag", async () => {
    const session = replay("recording_can_upload_oci_manifest_with_tag.json");
    const client = session.client("oci-artifact");
    await uploadAll(client, session);
    const { digest } = await client.setManifest(ociManifest, { tag: "my_artifact" });
    const put = only(session.calls, "PUT", /\/manifests\/my_artifact$/);
    expect(digest).toBe(headerValue(put.ResponseHeaders, "Docker-Content-Digest"));
    const got = await client.getManifest("my_artifact");
    expect(got.digest).toBe(digest);
    expect(got.mediaType).toBe(KnownManifestMediaType.OciImageManifest);
    expect(got.manifest).toEqual(ociManifest);
    await client.deleteManifest(digest);
  });

  it("can upload Docker manifest (a stream) with its media type", async () => {
    const session = replay("recording_can_upload_docker_manifest.json");
    const client = session.client("library/hello-world");
    await uploadAll(client, session);
    const put = only(session.calls, "PUT", /\/manifests\//);
    const bytes = entryRequestBody(put)!;
    const { digest } = await client.setManifest(Readable.from([bytes]), { mediaType: KnownManifestMediaType.DockerManifest });
    expect(digest).toBe(headerValue(put.ResponseHeaders, "Docker-Content-Digest"));
    const sent = session.playback.requests.find((request) => request.method === "PUT" && request.url.includes("/manifests/"))!;
    expect(sent.headers["content-type"]).toBe(KnownManifestMediaType.DockerManifest);
  });

  it("must specify media type when uploading a Docker manifest that does not declare one: nothing is sent", async () => {
    const session = replay("recording_must_specify_media_type_when_uploading_docker_manifest.json");
    const client = session.client("library/hello-world");
    await uploadAll(client, session);
    const docker = loadRecording(path.join(folder!, "recording_can_upload_docker_manifest.json"));
    const recorded = JSON.parse(entryRequestBody(docker.Entries.find((e) => e.RequestMethod === "PUT" && e.RequestUri.includes("/manifests/"))!)!.toString("utf8"));
    delete recorded.mediaType;
    const before = session.playback.requests.length;
    await expect(client.setManifest(Readable.from([Buffer.from(JSON.stringify(recorded))]))).rejects.toThrow(/mediaType/);
    expect(session.playback.requests).toHaveLength(before);
  });

  it("can download Docker manifest, verified against the requested digest", async () => {
    const session = replay("recording_can_download_docker_manifest.json");
    const client = session.client("library/hello-world");
    await uploadAll(client, session);
    const get = only(session.calls, "GET", /\/manifests\//);
    const digest = "sha256:c001493ce924aece0d2cf422ee838bbc90fd6f91a3827dad26f84c3dc762fab2";
    const got = await client.getManifest(digest);
    expect(got.digest).toBe(digest);
    expect(got.mediaType).toBe(KnownManifestMediaType.DockerManifest);
    expect(got.content.equals(entryResponseBody(get)!)).toBe(true);
    expect(got.manifest).toMatchObject({ schemaVersion: 2, mediaType: KnownManifestMediaType.DockerManifest });
    if (!("layers" in got.manifest)) throw new Error("expected an image manifest");
    expect(got.manifest.layers.map((layer) => layer.digest)).toEqual([confirmedBlobDigests(session.calls)[0]]);
  });

  it("deleteBlob succeeds when the blob does not exist (404 swallowed)", async () => {
    const session = replay("recording_deleteblob_should_succeed_when_trying_to_delete_a_nonexistent_blob.json");
    const client = session.client("oci-artifact");
    await expect(client.deleteBlob("sha256:b76ba664a289336a4af5d4e262d691dbc2940576dca60a71dfe1b6f73b44658a")).resolves.toBeUndefined();
    expect(only(session.calls, "DELETE", /\/blobs\//).StatusCode).toBe(404);
  });
});

describe.runIf(!folder)("recorded ACR content sessions", () => {
  it.skip(SHARED_RECORDINGS_ABSENT, () => undefined);
});
