import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  entryRequestBody,
  entryResponseBody,
  listRecordings,
  loadRecording,
  PlaybackHttpClient,
  SHARED_RECORDINGS_ABSENT,
  sharedRecordingsDir,
  type RecordedEntry,
} from "../utils/playback.js";
import { headerValue, sha256Digest } from "../utils/recordingFormat.js";
import { readAll, send, STREAM_ALL } from "./pipelineSend.js";

const dir = sharedRecordingsDir();
const files = dir ? listRecordings(dir) : [];

function isManifest(contentType: string | undefined): boolean {
  return /manifest/.test(contentType ?? "");
}

/** Sends an entry's own request to another host, with the bytes the recording says were sent. */
function replay(client: PlaybackHttpClient, entry: RecordedEntry, stream: boolean) {
  const url = new URL(entry.RequestUri);
  url.host = "replay.invalid";
  return send(
    url.toString(),
    {
      method: entry.RequestMethod as "GET",
      headers: { "Content-Type": headerValue(entry.RequestHeaders, "Content-Type") ?? "" },
      body: entryRequestBody(entry),
      streamResponseStatusCodes: stream ? STREAM_ALL : undefined,
    },
    client,
  );
}

describe.skipIf(!dir)("shared ACR recordings (../shared/acr-recordings/js)", () => {
  it("are present", () => {
    expect(files.length).toBeGreaterThanOrEqual(29);
  });

  describe.each(files.map((file) => [path.relative(dir!, file), file]))("%s", (_, file) => {
    const { Entries } = loadRecording(file);

    it("replays every entry in order, as text and as a stream", async () => {
      const textClient = new PlaybackHttpClient(file);
      const streamClient = new PlaybackHttpClient(file);
      for (const entry of Entries) {
        const expected = entryResponseBody(entry) ?? Buffer.alloc(0);
        const asText = await replay(textClient, entry, false);
        expect(asText.status).toBe(entry.StatusCode);
        expect(asText.bodyAsText).toBe(expected.toString("utf8"));
        const asStream = await replay(streamClient, entry, true);
        expect(asStream.status).toBe(entry.StatusCode);
        expect(await readAll(asStream.readableStreamBody!)).toEqual(expected);
      }
      textClient.assertAllConsumed();
      streamClient.assertAllConsumed();
      expect(textClient.requests.map((r) => r.bodyLength)).toEqual(Entries.map((e) => entryRequestBody(e)?.length ?? 0));
    });

    it("decodes bodies to their recorded Content-Length", () => {
      for (const entry of Entries) {
        for (const [headers, body] of [
          [entry.RequestHeaders, entryRequestBody(entry)],
          [entry.ResponseHeaders, entryResponseBody(entry)],
        ] as const) {
          const length = headerValue(headers, "Content-Length");
          if (length !== undefined) expect(body?.length ?? 0).toBe(Number(length));
        }
      }
    });

    it("gives manifests back with the digest the recording states", () => {
      for (const entry of Entries) {
        const digest = headerValue(entry.ResponseHeaders, "Docker-Content-Digest");
        const sent = entryRequestBody(entry);
        if (isManifest(headerValue(entry.RequestHeaders, "Content-Type")) && sent) {
          expect(sha256Digest(sent)).toBe(digest);
        }
        const received = entryResponseBody(entry);
        if (isManifest(headerValue(entry.ResponseHeaders, "Content-Type")) && received) {
          expect(sha256Digest(received)).toBe(digest);
        }
      }
    });
  });

  it("hold manifests in several serialisations, all rebuilt exactly", () => {
    const layouts = new Map<string, string>();
    for (const file of files) {
      for (const entry of loadRecording(file).Entries) {
        const body = entryResponseBody(entry);
        if (body && isManifest(headerValue(entry.ResponseHeaders, "Content-Type"))) {
          const text = body.toString("utf8");
          const indent = /^\{\n( *)"/.exec(text)?.[1]?.length ?? 0;
          layouts.set(path.basename(file), `indent ${indent}${text.endsWith("\n") ? " + newline" : ""}`);
        }
      }
    }
    expect(Object.fromEntries(layouts)).toEqual({
      "recording_can_download_docker_manifest.json": "indent 3 + newline",
      "recording_can_upload_oci_manifest.json": "indent 0",
      "recording_can_upload_oci_manifest_from_buffer.json": "indent 4 + newline",
      "recording_can_upload_oci_manifest_from_stream.json": "indent 4 + newline",
      "recording_can_upload_oci_manifest_with_tag.json": "indent 0",
    });
  });
});

describe.runIf(!dir)("shared ACR recordings", () => {
  it.skip(SHARED_RECORDINGS_ABSENT, () => undefined);
});
