// The committed subset of real ACR traffic (test/recordings/acr) holds no secret, has the documented
// shape, and (when ../shared is present) is exactly what scripts/extract-acr-rules.mjs extracts.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { SHARED_RECORDINGS_ABSENT, sharedRecordingsDir } from "../utils/playback.js";
import { findSecrets, loadAcrSubset, subsetFiles } from "./acrRecordings.js";

const shared = sharedRecordingsDir();

describe("the real ACR subset (test/recordings/acr)", () => {
  it("holds no token, signature, upload state, password or credential", () => {
    const files = subsetFiles();
    expect(files.map((file) => path.basename(file))).toEqual(["go-sdk-mount.json", "recorded.json"]);
    for (const file of files) expect(findSecrets(readFileSync(file, "utf8")), path.basename(file)).toEqual([]);
  });

  it("would notice each kind of secret it scans for", () => {
    const jwt = `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from('{"exp":1}').toString("base64url")}.c2ln`;
    const planted = [
      jwt,
      "grant_type=access_token&access_token=entra-token-value",
      "grant_type=refresh_token&refresh_token=opaque",
      "grant_type=password&password=hunter2",
      '{"access_token": "real-looking-token"}',
      '{"Authorization": "x"}',
      "Basic dXNlcjpwYXNzd29yZA==",
      "/storage/data?se=2030&sig=abc",
      "/v2/a/blobs/uploads/u?_nouploadcache=false&_state=abc",
    ];
    expect(planted.map((text) => findSecrets(text).length > 0)).toEqual(planted.map(() => true));
    // ...and not the sanitized placeholders or a challenge's Bearer parameters.
    expect(findSecrets('access_token=SecretPlaceholder {"access_token": "Sanitized"} Bearer realm="https://r/oauth2/token"')).toEqual([]);
  });

  it("loads with the documented shape: challenges, token requests with field names, other responses", () => {
    const subset = loadAcrSubset();
    expect(subset.challenges.length).toBeGreaterThanOrEqual(30);
    expect(subset.challenges.every((challenge) => /^Bearer /.test(challenge.wwwAuthenticate))).toBe(true);
    expect(subset.tokenRequests.map((request) => request.path.split("?")[0]).sort()).toEqual(["/oauth2/exchange", "/oauth2/token"]);
    expect(subset.responses.length).toBeGreaterThan(10);
  });
});

describe.skipIf(!shared)("the real ACR subset against ../shared/acr-recordings/js", () => {
  it("recorded.json is what scripts/extract-acr-rules.mjs makes of the recordings", async () => {
    const check = promisify(execFile)(process.execPath, ["scripts/extract-acr-rules.mjs", "--check", "--from", shared!], { encoding: "utf8" });
    await expect(check).resolves.toMatchObject({ stderr: "" });
  });
});

describe.runIf(!shared)("the real ACR subset against ../shared/acr-recordings/js", () => {
  it.skip(SHARED_RECORDINGS_ABSENT, () => undefined);
});
