// Referrers on both servers: the emulator answers the OCI 1.1 referrers API; the CNCF registry has
// none, so the client keeps (and reads) the referrers tag index itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { InvalidManifestError, KnownManifestMediaType, isRestError } from "../../../src/index.js";
import { attach, collect, contentClient, NOTATION_SIGNATURE, pushImage, SBOM, SERVERS, type LiveRegistry } from "./support.js";

const referrersTag = (digest: string): string => digest.replace(":", "-");

describe.each(SERVERS.filter((server) => server.available))("referrers on $name", (server) => {
  let registry: LiveRegistry & { stop(): Promise<void> };
  beforeAll(async () => {
    registry = await server.start();
  });
  afterAll(() => registry?.stop());

  it("lists the signature and the SBOM attached to an image, with artifact types and annotations, and filters by artifact type", async () => {
    const client = contentClient(registry, "referrers/listed");
    const image = await pushImage(client, 1, { os: "linux", architecture: "amd64" }, { tag: "v1" });
    const signature = await attach(client, image, NOTATION_SIGNATURE, "signature", { "io.cncf.notary.x509chain.thumbprint#S256": "[]" });
    const sbom = await attach(client, image, SBOM, '{"spdxVersion":"SPDX-2.3"}');

    const all = await collect(client.listReferrers(image.digest));
    expect(all.map((referrer) => referrer.digest).sort()).toEqual([signature.digest, sbom.digest].sort());
    expect(all.find((referrer) => referrer.digest === signature.digest)).toMatchObject({
      mediaType: KnownManifestMediaType.OciImageManifest,
      size: signature.size,
      artifactType: NOTATION_SIGNATURE,
      annotations: { "io.cncf.notary.x509chain.thumbprint#S256": "[]", "org.opencontainers.image.created": "2026-01-01T00:00:00Z" },
    });
    const signatures = await collect(client.listReferrers(image.digest, { artifactType: NOTATION_SIGNATURE }));
    expect(signatures.map((referrer) => referrer.digest)).toEqual([signature.digest]);
    expect(await collect(client.listReferrers(signature.digest))).toEqual([]);
  });

  it(
    server.referrersApi
      ? "uses the referrers API and leaves no referrers tag behind"
      : "keeps the referrers tag index up to date, listing each referrer once when it is pushed again",
    async () => {
      const client = contentClient(registry, "referrers/tagged");
      const image = await pushImage(client, 2, { os: "linux", architecture: "arm64" });
      const signature = await attach(client, image, NOTATION_SIGNATURE, "again");
      await attach(client, image, NOTATION_SIGNATURE, "again"); // the same manifest, pushed twice
      const tag = await client.getManifest(referrersTag(image.digest)).catch((error: unknown) => error);
      if (server.referrersApi) {
        expect(isRestError(tag) && tag.statusCode).toBe(404);
      } else {
        expect(tag).toMatchObject({
          mediaType: KnownManifestMediaType.OciImageIndex,
          manifest: { manifests: [{ digest: signature.digest, artifactType: NOTATION_SIGNATURE, size: signature.size }] },
        });
      }
      expect((await collect(client.listReferrers(image.digest))).map((referrer) => referrer.digest)).toEqual([signature.digest]);
    },
  );

  it("keeps every one of 6 signatures pushed at once by 6 clients (none of the concurrent tag updates is lost)", async () => {
    const image = await pushImage(contentClient(registry, "referrers/concurrent"), 3, { os: "linux", architecture: "amd64" });
    const signatures = await Promise.all(
      Array.from({ length: 6 }, (_, index) => attach(contentClient(registry, "referrers/concurrent"), image, NOTATION_SIGNATURE, `signer ${index}`)),
    );
    const listed = await collect(contentClient(registry, "referrers/concurrent").listReferrers(image.digest));
    expect(listed.map((referrer) => referrer.digest).sort()).toEqual(signatures.map((signature) => signature.digest).sort());
  });

  it.runIf(!server.referrersApi)(
    "writes the referrers tag again when another process replaced it right after this client's write, keeping both entries",
    async () => {
      const other = contentClient(registry, "referrers/raced");
      const image = await pushImage(other, 6, { os: "linux", architecture: "amd64" });
      const theirs = await pushImage(other, 7, { os: "linux", architecture: "amd64" });
      const tag = referrersTag(image.digest);
      let raced = false;
      // Another writer, which read the tag before this client wrote it, writes its own version just after.
      const racingWriter: PipelinePolicy = {
        name: "racingWriter",
        async sendRequest(request, next) {
          const response = await next(request);
          if (!raced && request.method === "PUT" && request.url.endsWith(`/manifests/${tag}`)) {
            raced = true;
            const index = { schemaVersion: 2, mediaType: KnownManifestMediaType.OciImageIndex, manifests: [{ mediaType: theirs.mediaType, digest: theirs.digest, size: theirs.size, artifactType: SBOM }] };
            await other.setManifest(index, { tag });
          }
          return response;
        },
      };
      const client = contentClient(registry, "referrers/raced", { additionalPolicies: [{ policy: racingWriter, position: "perCall" }] });
      const mine = await attach(client, image, NOTATION_SIGNATURE, "mine");
      expect(raced).toBe(true);
      expect((await collect(other.listReferrers(image.digest))).map((referrer) => referrer.digest).sort()).toEqual([mine.digest, theirs.digest].sort());
    },
  );

  it("lists no referrers of a manifest nobody refers to, and rejects a malformed digest before sending anything", async () => {
    const client = contentClient(registry, "referrers/none");
    const image = await pushImage(client, 4, { os: "linux", architecture: "amd64" });
    expect(await collect(client.listReferrers(image.digest))).toEqual([]);
    await expect(collect(client.listReferrers("sha256:nothex"))).rejects.toThrow(RangeError);
    await expect(collect(client.listReferrers(image.digest, { artifactType: "" }))).rejects.toThrow(TypeError);
  });

  it("refuses a manifest whose subject is not a descriptor, before pushing it", async () => {
    const client = contentClient(registry, "referrers/bad-subject");
    const image = await pushImage(client, 5, { os: "linux", architecture: "amd64" });
    const manifest = { schemaVersion: 2, mediaType: KnownManifestMediaType.OciImageManifest, config: { mediaType: "x", digest: image.blobs[0], size: 1 }, layers: [], subject: { digest: 42 } };
    const refused = await client.setManifest(manifest).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidManifestError);
    expect((refused as InvalidManifestError).field).toBe("subject.mediaType");
  });
});
