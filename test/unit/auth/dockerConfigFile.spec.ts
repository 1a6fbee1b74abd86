import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { authsEntryCredentials, findForRegistry, readDockerConfig } from "../../../src/auth/dockerConfig/dockerConfigFile.js";
import { DockerConfigCredential, DockerCredentialError } from "../../../src/index.js";
import { writeDockerConfig } from "../../utils/dockerConfig.js";
import { makeTempDir } from "../../utils/processCleanup.js";

const base64 = (text: string) => Buffer.from(text).toString("base64");

describe("Docker config files", () => {
  it("finds a registry's entry as Docker does: exact key first, then keys with a scheme, a path or another case", () => {
    const entries = { "https://index.docker.io/v1/": "hub", "http://Localhost:5000/v2/": "local", "ghcr.io": "ghcr", "ghcr.io:443": "port" };
    expect(findForRegistry(entries, "ghcr.io")).toBe("ghcr");
    expect(findForRegistry(entries, "localhost:5000")).toBe("local");
    expect(findForRegistry(entries, "localhost:5001")).toBeUndefined();
    for (const hub of ["docker.io", "index.docker.io", "registry-1.docker.io"]) expect(findForRegistry(entries, hub)).toBe("hub");
    // Docker Hub's credentials under a bare host name are found too.
    expect(findForRegistry({ "docker.io": "bare" }, "registry-1.docker.io")).toBe("bare");
  });

  it("reads auth (which wins over username/password, and may hold colons in the password), fields and identitytoken", () => {
    expect(authsEntryCredentials({ auth: base64("alice:pa:ss"), username: "ignored", password: "ignored" }, "c")).toEqual({ username: "alice", password: "pa:ss" });
    expect(authsEntryCredentials({ username: "bob", password: "pw" }, "c")).toEqual({ username: "bob", password: "pw" });
    expect(authsEntryCredentials({ auth: base64("00000000-0000-0000-0000-000000000000:"), identitytoken: "refresh" }, "c")).toEqual({
      username: "00000000-0000-0000-0000-000000000000",
      identityToken: "refresh",
    });
    expect(authsEntryCredentials({}, "c")).toBeUndefined();
  });

  it("treats a missing file as an empty config", async () => {
    expect(await readDockerConfig(path.join(makeTempDir("acr-test-no-config-"), "config.json"))).toEqual({ auths: {}, credHelpers: {} });
    const credential = new DockerConfigCredential({ configPath: "/nonexistent/config.json" });
    expect(await credential.getCredentials("ghcr.io")).toBeUndefined();
  });

  it.each([
    ["not JSON", '{"auths": {"ghcr.io": {"auth": "c2VjcmV0"', "it is not JSON"],
    ["a JSON array", "[]", "it is not a JSON object"],
    ["auths of strings", JSON.stringify({ auths: { "ghcr.io": "c2VjcmV0" } }), '"auths" must map servers to objects'],
    ["a numeric password", JSON.stringify({ auths: { "ghcr.io": { username: "u", password: 1234 } } }), '"password" of an auths entry must be a string'],
    ["an auth without a colon", JSON.stringify({ auths: { "ghcr.io": { auth: base64("secret") } } }), '"auth" of an auths entry must be base64'],
    ["credHelpers of objects", JSON.stringify({ credHelpers: { "ghcr.io": {} } }), '"credHelpers" must map servers to helper names'],
    ["a numeric credsStore", JSON.stringify({ credsStore: 1 }), '"credsStore" must be a helper name'],
    ["a helper name with a path", JSON.stringify({ credsStore: "../../bin/sh" }), '"../../bin/sh" is not a credential helper name'],
  ])("rejects a config with %s with a DockerCredentialError that quotes none of the file", async (_case, text, why) => {
    const dir = makeTempDir("acr-test-bad-config-");
    const configPath = path.join(dir, "config.json");
    writeFileSync(configPath, text);
    const pending = new DockerConfigCredential({ configPath }).getCredentials("ghcr.io");
    await expect(pending).rejects.toBeInstanceOf(DockerCredentialError);
    const error = (await pending.catch((e: unknown) => e)) as DockerCredentialError;
    expect(error.code).toBe("InvalidDockerConfig");
    expect(error.message).toContain(why);
    expect(error.message).not.toMatch(/c2VjcmV0|secret|1234/);
  });

  it("rejects bad arguments asynchronously, and a bad configPath at construction", async () => {
    const credential = new DockerConfigCredential({ configPath: writeDockerConfig().configPath });
    const pending = credential.getCredentials("");
    await expect(pending).rejects.toThrow(TypeError);
    expect(() => new DockerConfigCredential({ configPath: "" })).toThrow(TypeError);
  });
});
