// The referrers protocol's edges, against a fake registry: Link pages, OCI-Filters-Applied, the
// 404s that do and do not mean "no referrers API", and conditional updates of the referrers tag.
import { describe, expect, it } from "vitest";
import { ContainerRegistryContentClient, InvalidManifestError, isRestError, KnownManifestMediaType, type OciDescriptor } from "../../../src/index.js";
import { ENDPOINT, error, FakeRegistry, sha256 } from "../fakes/fakeRegistry.js";

const SUBJECT = sha256(Buffer.from("subject"));
const REFERRERS_PATH = `/v2/library/test/referrers/${SUBJECT}`;
const TAG_PATH = `/v2/library/test/manifests/${SUBJECT.replace(":", "-")}`;
const descriptor = (n: number, artifactType = "application/vnd.example.sig"): OciDescriptor => ({
  mediaType: KnownManifestMediaType.OciImageManifest,
  digest: sha256(Buffer.from(`referrer ${n}`)),
  size: 100 + n,
  artifactType,
});
const index = (manifests: OciDescriptor[]) => JSON.stringify({ schemaVersion: 2, mediaType: KnownManifestMediaType.OciImageIndex, manifests });

function setup() {
  const registry = new FakeRegistry();
  const client = new ContainerRegistryContentClient(ENDPOINT, "library/test", { httpClient: registry, retryOptions: { maxRetries: 0 } });
  return { registry, client };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const onPath = (path: string, reply: (url: URL) => ReturnType<typeof error> | undefined) => (request: { url: string }) => {
  const url = new URL(request.url);
  return url.pathname === path ? reply(url) : undefined;
};

describe("listReferrers", () => {
  it("follows the registry's Link pages and sends the artifactType filter on the first request only", async () => {
    const { registry, client } = setup();
    registry.handlers.push(
      onPath(REFERRERS_PATH, (url) =>
        url.searchParams.get("last")
          ? { status: 200, headers: { "oci-filters-applied": "artifactType" }, body: index([descriptor(3)]) }
          : { status: 200, headers: { "oci-filters-applied": "artifactType", link: `<${REFERRERS_PATH}?last=2>; rel="next"` }, body: index([descriptor(1), descriptor(2)]) },
      ),
    );
    const listed = await collect(client.listReferrers(SUBJECT, { artifactType: "application/vnd.example.sig" }));
    expect(listed.map((referrer) => referrer.size)).toEqual([101, 102, 103]);
    const urls = registry.requests.map((request) => new URL(request.url));
    expect(urls.map((url) => url.search)).toEqual([`?artifactType=application%2Fvnd.example.sig`, "?last=2"]);
  });

  it("filters by artifact type itself when the registry does not say it applied the filter", async () => {
    const { registry, client } = setup();
    registry.handlers.push(onPath(REFERRERS_PATH, () => ({ status: 200, body: index([descriptor(1), descriptor(2, "application/spdx+json")]) })));
    expect((await collect(client.listReferrers(SUBJECT, { artifactType: "application/spdx+json" }))).map((referrer) => referrer.size)).toEqual([102]);
  });

  it("falls back to the referrers tag on a 404 without NAME_UNKNOWN, and goes straight there the next time", async () => {
    const { registry, client } = setup();
    registry.handlers.push(onPath(REFERRERS_PATH, () => ({ status: 404, body: "404 page not found" })));
    registry.manifests.set(SUBJECT.replace(":", "-"), { bytes: Buffer.from(index([descriptor(1)])), mediaType: KnownManifestMediaType.OciImageIndex });
    for (let i = 0; i < 2; i++) expect((await collect(client.listReferrers(SUBJECT))).map((referrer) => referrer.size)).toEqual([101]);
    expect(registry.count("GET", new RegExp(`^${REFERRERS_PATH}$`))).toBe(1);
    expect(registry.count("GET", new RegExp(`^${TAG_PATH}$`))).toBe(2);
  });

  it("rejects a 404 NAME_UNKNOWN (no such repository) instead of falling back", async () => {
    const { registry, client } = setup();
    registry.handlers.push(onPath(REFERRERS_PATH, () => error(404, "NAME_UNKNOWN", "repository name not known to registry")));
    const failure = await collect(client.listReferrers(SUBJECT)).catch((caught: unknown) => caught);
    expect(isRestError(failure) && failure.code).toBe("NAME_UNKNOWN");
    expect(registry.count("GET", new RegExp(`^${TAG_PATH}$`))).toBe(0);
  });

  it("rejects a referrers response whose descriptors are malformed, naming the field", async () => {
    const { registry, client } = setup();
    registry.handlers.push(onPath(REFERRERS_PATH, () => ({ status: 200, body: JSON.stringify({ schemaVersion: 2, manifests: [descriptor(1), { digest: "sha256:zz" }] }) })));
    const failure = await collect(client.listReferrers(SUBJECT)).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(InvalidManifestError);
    expect((failure as InvalidManifestError).field).toBe("manifests[1].mediaType");
  });
});

describe("setManifest of a manifest with a subject", () => {
  const referrer = {
    schemaVersion: 2,
    mediaType: KnownManifestMediaType.OciImageManifest,
    artifactType: "application/vnd.example.sig",
    config: { mediaType: "application/vnd.oci.empty.v1+json", digest: sha256(Buffer.from("{}")), size: 2 },
    layers: [],
    subject: { mediaType: KnownManifestMediaType.OciImageManifest, digest: SUBJECT, size: 7 },
    annotations: { signer: "me" },
  };

  it("leaves the referrers tag alone when the registry answers OCI-Subject", async () => {
    const { registry, client } = setup();
    registry.handlers.push((request) => (request.method === "PUT" ? { status: 201, headers: { "oci-subject": SUBJECT, "docker-content-digest": sha256(Buffer.from(JSON.stringify(referrer))) } } : undefined));
    await client.setManifest(referrer);
    expect(registry.requests.map((request) => request.method)).toEqual(["PUT"]);
  });

  it("re-reads and writes again when a registry honouring If-Match answers 412, and lists the descriptor with its artifactType and annotations", async () => {
    const { registry, client } = setup();
    registry.manifests.set(SUBJECT.replace(":", "-"), { bytes: Buffer.from(index([descriptor(1)])), mediaType: KnownManifestMediaType.OciImageIndex });
    registry.handlers.push((request) => {
      if (request.method === "GET" && new URL(request.url).pathname === TAG_PATH) {
        const stored = registry.manifests.get(SUBJECT.replace(":", "-"))!;
        return { status: 200, headers: { "content-type": stored.mediaType, etag: `"${sha256(stored.bytes)}"` }, body: stored.bytes };
      }
      return undefined;
    });
    let refusals = 1;
    registry.handlers.unshift((request) => (request.method === "PUT" && request.headers.has("if-match") && refusals-- > 0 ? error(412, "PRECONDITION_FAILED") : undefined));
    const { digest, sizeInBytes } = await client.setManifest(referrer);
    const tagPuts = registry.requests.filter((request) => request.method === "PUT" && new URL(request.url).pathname === TAG_PATH);
    expect(tagPuts).toHaveLength(2);
    expect(tagPuts.every((request) => request.headers["if-match"] === `"${sha256(Buffer.from(index([descriptor(1)])))}"`)).toBe(true);
    const listed = JSON.parse(registry.manifests.get(SUBJECT.replace(":", "-"))!.bytes.toString()) as { manifests: OciDescriptor[] };
    expect(listed.manifests).toEqual([
      descriptor(1),
      { mediaType: KnownManifestMediaType.OciImageManifest, digest, size: sizeInBytes, artifactType: "application/vnd.example.sig", annotations: { signer: "me" } },
    ]);
  });

  it("rejects with an InvalidManifestError when the referrers tag holds something other than an index", async () => {
    const { registry, client } = setup();
    registry.manifests.set(SUBJECT.replace(":", "-"), { bytes: Buffer.from(JSON.stringify(referrer)), mediaType: KnownManifestMediaType.OciImageManifest });
    await expect(client.setManifest(referrer)).rejects.toThrow(InvalidManifestError);
  });
});
