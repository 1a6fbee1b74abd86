import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CREDENTIALS_NOT_FOUND, writeCredentialHelper, type CredentialHelper } from "../utils/credentialHelper.js";
import { writeDockerConfig } from "../utils/dockerConfig.js";

describe("writeDockerConfig", () => {
  it("writes every kind of entry into config.json, merging entries for one host", () => {
    const folder = writeDockerConfig({
      entries: [
        { kind: "auth", host: "a.example:5000", username: "alice", password: "pa:ss" },
        { kind: "usernamePassword", host: "b.example", username: "bob", password: "secret" },
        { kind: "identityToken", host: "c.example", identityToken: "refresh-123", username: "carol" },
        { kind: "identityToken", host: "a.example:5000", identityToken: "refresh-456" },
        { kind: "credHelper", host: "d.example", helper: "pass" },
      ],
      credsStore: "desktop",
    });
    const written = JSON.parse(readFileSync(folder.configPath, "utf8"));
    expect(written).toEqual({
      auths: {
        "a.example:5000": { auth: Buffer.from("alice:pa:ss").toString("base64"), identitytoken: "refresh-456" },
        "b.example": { username: "bob", password: "secret" },
        "c.example": { auth: Buffer.from("carol:").toString("base64"), identitytoken: "refresh-123" },
      },
      credHelpers: { "d.example": "pass" },
      credsStore: "desktop",
    });
    expect(folder.config).toEqual(written);
    expect(folder.env).toEqual({ DOCKER_CONFIG: folder.dir });
    expect(statSync(folder.configPath).mode & 0o777).toBe(0o600);
    folder.remove();
    expect(existsSync(folder.dir)).toBe(false);
  });

  it("writes extra top-level fields as given", () => {
    const folder = writeDockerConfig({ extra: { auths: "not an object", experimental: "enabled" } });
    expect(JSON.parse(readFileSync(folder.configPath, "utf8"))).toEqual({ auths: "not an object", experimental: "enabled" });
  });
});

/** Runs the helper by name through PATH, as a client does. */
function callHelper(helper: CredentialHelper, verb: string, input: string) {
  const result = spawnSync(`docker-credential-${helper.name}`, [verb], {
    input,
    encoding: "utf8",
    env: { ...process.env, ...helper.env },
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("writeCredentialHelper", () => {
  const known = { username: "alice", secret: "s3cret" };

  it("answers get with ServerURL, Username and Secret for a known server, from PATH", () => {
    const helper = writeCredentialHelper({ credentials: { "127.0.0.1:5000": known } });
    expect(statSync(helper.scriptPath).mode & 0o111).not.toBe(0);
    const answer = callHelper(helper, "get", "127.0.0.1:5000\n");
    expect(answer.status).toBe(0);
    expect(JSON.parse(answer.stdout)).toEqual({ ServerURL: "127.0.0.1:5000", Username: "alice", Secret: "s3cret" });
  });

  it("exits 1 with the not-found message on stdout for an unknown server or another spelling of a known one", () => {
    const helper = writeCredentialHelper({ credentials: { "127.0.0.1:5000": known } });
    for (const server of ["other.example", "https://127.0.0.1:5000"]) {
      expect(callHelper(helper, "get", server)).toEqual({ status: 1, stdout: CREDENTIALS_NOT_FOUND, stderr: "" });
    }
    expect(callHelper(helper, "get", "")).toMatchObject({ status: 1, stdout: "no credentials server URL" });
  });

  it("stores, lists and erases credentials, recording every call without a secret", () => {
    const helper = writeCredentialHelper({ name: "keeper" });
    const stored = { ServerURL: "r.example", Username: "bob", Secret: "hunter2" };
    expect(callHelper(helper, "store", JSON.stringify(stored)).status).toBe(0);
    expect(JSON.parse(callHelper(helper, "list", "").stdout)).toEqual({ "r.example": "bob" });
    expect(JSON.parse(callHelper(helper, "get", "r.example").stdout)).toEqual(stored);
    expect(callHelper(helper, "erase", "r.example").status).toBe(0);
    expect(callHelper(helper, "get", "r.example").status).toBe(1);
    expect(helper.calls()).toEqual([
      { verb: "store", serverUrl: "r.example", username: "bob", exitCode: 0 },
      { verb: "list", exitCode: 0 },
      { verb: "get", serverUrl: "r.example", exitCode: 0 },
      { verb: "erase", serverUrl: "r.example", exitCode: 0 },
      { verb: "get", serverUrl: "r.example", exitCode: 1 },
    ]);
  });

  it("fails on demand with the chosen exit code and stderr, then recovers; credentials can change between calls", () => {
    const helper = writeCredentialHelper();
    helper.setCredentials("r.example", known);
    helper.failWith(3, "keychain locked");
    expect(callHelper(helper, "get", "r.example")).toEqual({ status: 3, stdout: "", stderr: "keychain locked" });
    helper.recover();
    expect(JSON.parse(callHelper(helper, "get", "r.example").stdout).Secret).toBe("s3cret");
    helper.setCredentials("r.example", undefined);
    expect(callHelper(helper, "get", "r.example").status).toBe(1);
    expect(helper.calls().map((call) => [call.serverUrl, call.exitCode])).toEqual([
      ["r.example", 3],
      ["r.example", 0],
      ["r.example", 1],
    ]);
    expect(callHelper(helper, "frobnicate", "").status).toBe(1);
  });
});
