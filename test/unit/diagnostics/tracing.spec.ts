import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { useInstrumenter, type Instrumenter, type TracingContext, type TracingSpan } from "@azure/core-tracing";
import { ContainerRegistryClient, ContainerRegistryContentClient, KnownManifestMediaType } from "../../../src/index.js";
import { makeTempDir } from "../../utils/processCleanup.js";
import { FakeAcr } from "../fakes/fakeAcr.js";
import { ENDPOINT, FakeRegistry, readAll, sha256 } from "../fakes/fakeRegistry.js";

interface RecordedSpan {
  name: string;
  status?: string;
  ended: boolean;
}

function createContext(values = new Map<symbol, unknown>()): TracingContext {
  return {
    getValue: (key) => values.get(key),
    setValue: (key, value) => createContext(new Map(values).set(key, value)),
    deleteValue: (key) => {
      const next = new Map(values);
      next.delete(key);
      return createContext(next);
    },
  };
}

/** An instrumenter that records the spans the library starts, with their final status. */
function recordingInstrumenter(spans: RecordedSpan[]): Instrumenter {
  return {
    startSpan(name) {
      const recorded: RecordedSpan = { name, ended: false };
      spans.push(recorded);
      const span: TracingSpan = {
        setStatus: (status) => void (recorded.status = status.status),
        setAttribute: () => undefined,
        end: () => void (recorded.ended = true),
        recordException: () => undefined,
        isRecording: () => true,
      };
      return { span, tracingContext: createContext() };
    },
    withContext: (_ctx, callback, ...args) => callback(...args),
    parseTraceparentHeader: () => undefined,
    createRequestHeaders: () => ({}),
  };
}

describe("tracing", () => {
  const spans: RecordedSpan[] = [];
  afterEach(() => {
    spans.length = 0;
    useInstrumenter(undefined as unknown as Instrumenter);
  });

  it("opens one span per public method of the metadata clients, named Class.method, ends each, and marks a failure as an error", async () => {
    useInstrumenter(recordingInstrumenter(spans));
    const fake = new FakeAcr({ accessTokenLifetime: 3600 });
    const client = new ContainerRegistryClient("https://myregistry.azurecr.io", fake.credential(), { httpClient: fake, retryOptions: { maxRetries: 0 } });
    const repository = client.getRepository("hello");
    const artifact = repository.getArtifact(`sha256:${"a".repeat(64)}`);

    for await (const _ of client.listRepositoryNames()) void _;
    await repository.getProperties();
    await repository.updateProperties({ canRead: true });
    for await (const _ of repository.listManifestProperties()) void _;
    await artifact.getManifestProperties();
    await artifact.getTagProperties("v1");
    for await (const _ of artifact.listTagProperties()) void _;
    await artifact.delete();
    // The fake holds only `hello`: reading another repository fails with its 404.
    await expect(client.getRepository("missing").getProperties()).rejects.toMatchObject({ statusCode: 404, code: "NAME_UNKNOWN" });

    expect(spans.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        "ContainerRegistryClient.listRepositoryNames",
        "ContainerRepository.getProperties",
        "ContainerRepository.updateProperties",
        "ContainerRepository.listManifestProperties",
        "RegistryArtifact.getManifestProperties",
        "RegistryArtifact.getTagProperties",
        "RegistryArtifact.listTagProperties",
        "RegistryArtifact.delete",
      ]),
    );
    expect(spans.every((s) => s.ended)).toBe(true);
    expect(spans.filter((s) => s.name === "ContainerRepository.getProperties").map((s) => s.status)).toEqual(["success", "error"]);
    expect(spans.find((s) => s.name === "RegistryArtifact.delete")?.status).toBe("success");
  });

  it("opens one span per public method of the content client, named ContainerRegistryContentClient.<method>, each ended as a success", async () => {
    useInstrumenter(recordingInstrumenter(spans));
    const client = new ContainerRegistryContentClient(ENDPOINT, "library/test", { httpClient: new FakeRegistry(), retryOptions: { maxRetries: 0 } });
    const { digest } = await client.uploadBlob(Buffer.from("t"));
    await readAll((await client.downloadBlob(digest)).content);
    await client.downloadBlobToFile(digest, path.join(makeTempDir("acr-test-span-"), "t"));
    await client.blobExists(digest);
    await client.getBlobProperties(digest);
    await client.mountBlob(digest, "library/other");
    await client.deleteBlob(digest);
    const config = { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(Buffer.from("{}")), size: 2 };
    const pushed = await client.setManifest({ schemaVersion: 2, mediaType: KnownManifestMediaType.OciImageManifest, config, layers: [] });
    await client.getManifest(pushed.digest);
    await client.deleteManifest(pushed.digest);
    const operations = spans.filter((span) => span.name.startsWith("ContainerRegistryContentClient."));
    expect(operations.map((span) => span.name)).toEqual(
      ["uploadBlob", "downloadBlob", "downloadBlobToFile", "blobExists", "getBlobProperties", "mountBlob", "deleteBlob", "setManifest", "getManifest", "deleteManifest"].map(
        (method) => `ContainerRegistryContentClient.${method}`,
      ),
    );
    expect(operations.every((span) => span.ended && span.status === "success")).toBe(true);
  });
});
