import { afterEach, describe, expect, it } from "vitest";
import { useInstrumenter, type Instrumenter, type TracingContext, type TracingSpan } from "@azure/core-tracing";
import { ContainerRegistryClient } from "../../../src/index.js";
import { FakeAcr } from "../fakes/fakeAcr.js";

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
  afterEach(() => useInstrumenter(undefined as unknown as Instrumenter));

  it("opens one span per public method, named Class.method, and marks failures", async () => {
    const spans: RecordedSpan[] = [];
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
    await artifact.delete().catch(() => undefined); // the fake answers 200 where ACR answers 202: an error

    const names = spans.map((s) => s.name);
    expect(names).toEqual(
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
    expect(spans.find((s) => s.name === "RegistryArtifact.delete")?.status).toBe("error");
    expect(spans.find((s) => s.name === "ContainerRepository.getProperties")?.status).toBe("success");
  });
});
