import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { ALL_SCOPES, client, digestOf, OCI_INDEX, OCI_MANIFEST, pushBlob, pushImage, tokenFor, type Client } from "./helpers.js";

const errorCode = async (response: Response): Promise<string> =>
  ((await response.json()) as { errors: Array<{ code: string }> }).errors[0]!.code;

describe("emulator: manifests", () => {
  let emulator: AcrEmulator;
  let call: Client;

  beforeAll(async () => {
    emulator = await startAcrEmulator();
    call = client(emulator, await tokenFor(emulator, ...ALL_SCOPES("library/hello-world"), ...ALL_SCOPES("m")));
  });
  afterAll(() => emulator.close());

  it("stores exact bytes and serves them by tag and by digest, names escaped or not", async () => {
    const { digest, content } = await pushImage(call, "library/hello-world", "v1");
    for (const path of ["/v2/library/hello-world/manifests/v1", `/v2/library%2Fhello-world/manifests/${encodeURIComponent(digest)}`]) {
      const response = await call(path, { headers: { Accept: OCI_MANIFEST } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(OCI_MANIFEST);
      expect(response.headers.get("docker-content-digest")).toBe(digest);
      expect(await response.text()).toBe(content);
    }
    const head = await call("/v2/library/hello-world/manifests/v1", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(content.length));
  });

  it("negotiates like distribution: OCI content needs Accept to allow it", async () => {
    await pushImage(call, "m", "negotiated");
    const refused = await call("/v2/m/manifests/negotiated", { headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" } });
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({
      errors: [{ code: "MANIFEST_UNKNOWN", message: "OCI manifest found, but accept header does not support OCI manifests" }],
    });
    expect((await call("/v2/m/manifests/negotiated", { headers: { Accept: "*/*" } })).status).toBe(200);
    expect((await call("/v2/m/manifests/negotiated")).status).toBe(200);
  });

  it("validates JSON, media type, digest reference and referenced blobs", async () => {
    const put = (reference: string, body: string, type = OCI_MANIFEST): Promise<Response> =>
      call(`/v2/m/manifests/${reference}`, { method: "PUT", headers: { "Content-Type": type }, body });
    expect(await errorCode(await put("bad", "{not json"))).toBe("MANIFEST_INVALID");
    expect(await errorCode(await put("bad", JSON.stringify({ schemaVersion: 2, mediaType: "text/plain" }), "application/json"))).toBe(
      "MANIFEST_INVALID",
    );
    const missing = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: digestOf("nope"), size: 4 },
      layers: [],
    });
    const unknown = await put("missing", missing);
    expect(unknown.status).toBe(400);
    expect(await errorCode(unknown)).toBe("MANIFEST_BLOB_UNKNOWN");
    const config = await pushBlob(call, "m", "{}");
    const valid = JSON.stringify({ schemaVersion: 2, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config, size: 2 }, layers: [] });
    expect(await errorCode(await put(digestOf("something else"), valid))).toBe("DIGEST_INVALID");
    const byDigest = await put(digestOf(valid), valid, "application/json");
    expect(byDigest.status).toBe(201);
    expect(byDigest.headers.get("location")).toBe(`/v2/m/manifests/${digestOf(valid)}`);
  });

  it("takes an index whose children exist, and reports platforms in /acr/v1", async () => {
    const amd = await pushImage(call, "m", "amd", { architecture: "amd64", os: "linux" });
    const arm = await pushImage(call, "m", "arm", { architecture: "arm64", os: "linux" });
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, digest: amd.digest, size: amd.content.length, platform: { architecture: "amd64", os: "linux" } },
        { mediaType: OCI_MANIFEST, digest: arm.digest, size: arm.content.length, platform: { architecture: "arm64", os: "linux" } },
      ],
    });
    const response = await call("/v2/m/manifests/multi", { method: "PUT", headers: { "Content-Type": OCI_INDEX }, body: index });
    expect(response.status).toBe(201);
    const properties = (await (await call(`/acr/v1/m/_manifests/${digestOf(index)}`)).json()) as {
      manifest: { references: unknown[]; tags: string[]; mediaType: string };
    };
    expect(properties.manifest.references).toEqual([
      { digest: amd.digest, architecture: "amd64", os: "linux" },
      { digest: arm.digest, architecture: "arm64", os: "linux" },
    ]);
    expect(properties.manifest.tags).toEqual(["multi"]);
    const child = (await (await call(`/acr/v1/m/_manifests/${amd.digest}`)).json()) as { manifest: Record<string, unknown> };
    expect(child.manifest).toMatchObject({ architecture: "amd64", os: "linux", configMediaType: "application/vnd.oci.image.config.v1+json" });

    const dangling = index.replace(amd.digest, digestOf("absent"));
    expect(await errorCode(await call("/v2/m/manifests/dangling", { method: "PUT", headers: { "Content-Type": OCI_INDEX }, body: dangling }))).toBe(
      "MANIFEST_BLOB_UNKNOWN",
    );
  });

  it("deletes by digest (with its tags) and by tag (the tag only)", async () => {
    const image = await pushImage(call, "m", "doomed");
    await call(`/v2/m/manifests/alias`, { method: "PUT", headers: { "Content-Type": OCI_MANIFEST }, body: image.content });
    expect((await call("/v2/m/manifests/alias", { method: "DELETE" })).status).toBe(202);
    expect((await call("/v2/m/manifests/doomed")).status).toBe(200);
    expect((await call(`/v2/m/manifests/${image.digest}`, { method: "DELETE" })).status).toBe(202);
    const gone = await call("/v2/m/manifests/doomed");
    expect(gone.status).toBe(404);
    expect(await errorCode(gone)).toBe("MANIFEST_UNKNOWN");
  });

  it("lists referrers of a subject, filtered by artifactType", async () => {
    const subject = await pushImage(call, "m", "subject");
    const config = await pushBlob(call, "m", "{}");
    const signature = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: "application/vnd.example.signature",
      config: { mediaType: "application/vnd.oci.empty.v1+json", digest: config, size: 2 },
      layers: [],
      subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.content.length },
    });
    const put = await call(`/v2/m/manifests/${digestOf(signature)}`, { method: "PUT", headers: { "Content-Type": OCI_MANIFEST }, body: signature });
    expect(put.headers.get("oci-subject")).toBe(subject.digest);
    const all = (await (await call(`/v2/m/referrers/${subject.digest}`)).json()) as { manifests: Array<{ digest: string }> };
    expect(all.manifests.map((m) => m.digest)).toEqual([digestOf(signature)]);
    const filtered = await call(`/v2/m/referrers/${subject.digest}?artifactType=other`);
    expect(filtered.headers.get("oci-filters-applied")).toBe("artifactType");
    expect(((await filtered.json()) as { manifests: unknown[] }).manifests).toEqual([]);
  });
});
