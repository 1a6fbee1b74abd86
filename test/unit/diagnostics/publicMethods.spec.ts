// The rule every public method follows (carried by traceOperation and the paged iterator): bad
// input never throws at the call site. A method returning a promise returns one and it rejects; a
// method returning a paged iterator returns one and its first `next()` (or `byPage()`'s) rejects;
// either way with a TypeError or RangeError, before any request. The methods are read from the API
// report, so a method added to the public surface without a case here fails this test.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { HttpClient, PipelineRequest } from "@azure/core-rest-pipeline";
import { ContainerRegistryClient, ContainerRegistryContentClient } from "../../../src/index.js";

type Kind = "promise" | "paged" | "sync";

/** The methods of a class or interface of the API report, with what each returns. */
function publicMethods(typeName: string): Map<string, Kind> {
  const report = readFileSync(new URL("../../../review/container-registry.api.md", import.meta.url), "utf8").replace(/\r\n/g, "\n");
  const block = new RegExp(`^export (?:class|interface) ${typeName} [^\\n]*\\{\\n([\\s\\S]*?)^\\}`, "m").exec(report);
  if (!block) throw new Error(`${typeName} is not in the API report`);
  const methods = new Map<string, Kind>();
  for (const [, name, returned] of block[1]!.matchAll(/^ {4}(\w+)\(.*\): (.+);$/gm)) {
    methods.set(name!, returned!.startsWith("Promise<") ? "promise" : returned!.startsWith("PagedAsyncIterableIterator<") ? "paged" : "sync");
  }
  return methods;
}

const sent: string[] = [];
const noRequests: HttpClient = {
  sendRequest: async (request: PipelineRequest) => {
    sent.push(`${request.method} ${request.url}`);
    throw new Error("no request may be sent for bad input");
  },
};
const options = { httpClient: noRequests, retryOptions: { maxRetries: 0 } };
const registry = new ContainerRegistryClient("https://registry.test", options);
const repository = registry.getRepository("hello");
const artifact = registry.getArtifact("hello", "v1");
const content = new ContainerRegistryContentClient("https://registry.test", "hello", options);
const digest = `sha256:${"a".repeat(64)}`;

type BadCall = [description: string, call: () => unknown, expected: typeof TypeError | typeof RangeError];
/** Bad input, typed as whatever the parameter wants. */
const bad = <T = never>(value: unknown): T => value as T;

const cases: Record<string, { target: object; calls: Record<string, BadCall[]> }> = {
  ContainerRegistryClient: {
    target: registry,
    calls: {
      deleteRepository: [
        ["a malformed name", () => registry.deleteRepository("Bad Name"), RangeError],
        ["a number", () => registry.deleteRepository(bad(42)), TypeError],
        ["options that are not an object", () => registry.deleteRepository("hello", bad("fast")), TypeError],
      ],
      listRepositoryNames: [
        ["options that are not an object", () => registry.listRepositoryNames(bad(5)), TypeError],
        ["a page size of 0", () => registry.listRepositoryNames().byPage({ maxPageSize: 0 }), RangeError],
      ],
    },
  },
  ContainerRepository: {
    target: repository,
    calls: {
      delete: [["options that are not an object", () => repository.delete(bad("now")), TypeError]],
      getProperties: [["null options", () => repository.getProperties(bad(null)), TypeError]],
      updateProperties: [["a string for a boolean", () => repository.updateProperties(bad({ canDelete: "yes" })), TypeError]],
      listManifestProperties: [
        ["an unknown order", () => repository.listManifestProperties(bad({ order: "Oldest" })), RangeError],
        ["an empty continuation token", () => repository.listManifestProperties().byPage({ continuationToken: "" }), RangeError],
      ],
    },
  },
  RegistryArtifact: {
    target: artifact,
    calls: {
      delete: [["options that are not an object", () => artifact.delete(bad(7)), TypeError]],
      deleteTag: [["a malformed tag", () => artifact.deleteTag("-bad"), RangeError]],
      getManifestProperties: [["options that are not an object", () => artifact.getManifestProperties(bad("x")), TypeError]],
      getTagProperties: [["an empty tag", () => artifact.getTagProperties(""), RangeError]],
      updateManifestProperties: [["a number for a boolean", () => artifact.updateManifestProperties(bad({ canRead: 1 })), TypeError]],
      updateTagProperties: [
        ["a malformed tag", () => artifact.updateTagProperties("a/b", { canWrite: false }), RangeError],
        ["a string for a boolean", () => artifact.updateTagProperties("v1", bad({ canWrite: "no" })), TypeError],
      ],
      listTagProperties: [
        ["an unknown order", () => artifact.listTagProperties(bad({ order: "x" })), RangeError],
        ["a fractional page size", () => artifact.listTagProperties().byPage({ maxPageSize: 1.5 }), RangeError],
      ],
    },
  },
  ContainerRegistryContentClient: {
    target: content,
    calls: {
      blobExists: [["a short digest", () => content.blobExists("sha256:abc"), RangeError]],
      deleteBlob: [["undefined", () => content.deleteBlob(bad(undefined)), TypeError]],
      deleteManifest: [["a tag", () => content.deleteManifest("latest"), RangeError]],
      downloadBlob: [
        ["a negative maxResumeAttempts", () => content.downloadBlob(digest, { maxResumeAttempts: -1 }), RangeError],
        ["an unsupported algorithm", () => content.downloadBlob("md5:abc"), RangeError],
      ],
      downloadBlobToFile: [
        ["a number for the path", () => content.downloadBlobToFile(digest, bad(42)), TypeError],
        ["a device as the target", () => content.downloadBlobToFile(digest, "/dev/null"), RangeError],
      ],
      getBlobProperties: [["uppercase hex", () => content.getBlobProperties(digest.toUpperCase()), RangeError]],
      getManifest: [["a tag with a space", () => content.getManifest("bad tag"), RangeError]],
      listTagNames: [
        ["options that are not an object", () => content.listTagNames(bad(5)), TypeError],
        ["a token to another host", () => content.listTagNames().byPage({ continuationToken: "https://evil.test/v2/x" }), RangeError],
      ],
      mountBlob: [["a malformed source repository", () => content.mountBlob(digest, "Bad/Repo"), RangeError]],
      setManifest: [
        ["a number", () => content.setManifest(bad(42)), TypeError],
        ["a malformed tag", () => content.setManifest({ schemaVersion: 2 }, { tag: "-x" }), RangeError],
      ],
      uploadBlob: [
        ["a number", () => content.uploadBlob(bad(42)), TypeError],
        ["a sha512 digest", () => content.uploadBlob(Buffer.from("x"), { digest: `sha512:${"b".repeat(128)}` }), RangeError],
      ],
    },
  },
};

describe("every public method, given bad input", () => {
  it("has a bad-input case here for each promise and paged method of the API report", () => {
    for (const [typeName, { calls }] of Object.entries(cases)) {
      const covered = Object.keys(calls).sort();
      const asynchronous = [...publicMethods(typeName)].filter(([, kind]) => kind !== "sync").map(([name]) => name).sort();
      expect(covered, typeName).toEqual(asynchronous);
    }
  });

  for (const [typeName, { calls }] of Object.entries(cases)) {
    for (const [method, badCalls] of Object.entries(calls)) {
      for (const [description, call, expected] of badCalls) {
        const returned = publicMethods(typeName).get(method) === "paged" ? "paged iterator whose first next()" : "promise that";
        it(`${typeName}.${method} with ${description}: no synchronous throw, a ${returned} rejects with ${expected.name}, no request`, async () => {
          sent.length = 0;
          let result: unknown;
          expect(() => (result = call())).not.toThrow();
          const kind = publicMethods(typeName).get(method);
          if (kind === "promise") {
            expect(result).toBeInstanceOf(Promise);
            await expect(result).rejects.toBeInstanceOf(expected);
          } else {
            // Either the iterator itself or one of its byPage() iterations: both fail on first use.
            const iterator = result as AsyncIterator<unknown> & { byPage?: () => AsyncIterator<unknown> };
            expect(typeof iterator.next).toBe("function");
            await expect(iterator.next()).rejects.toBeInstanceOf(expected);
            if (iterator.byPage) await expect(iterator.byPage().next()).rejects.toBeInstanceOf(expected);
          }
          expect(sent).toEqual([]);
        });
      }
    }
  }

  it("lets Promise.allSettled collect a bad tag's rejection next to the good ones (nothing escapes map)", async () => {
    sent.length = 0;
    const results = await Promise.allSettled(["bad tag", "also bad"].map((tag) => content.getManifest(tag)));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
    expect(sent).toEqual([]);
  });

  it("keeps the methods that return no promise synchronous: getRepository and getArtifact throw at the call", () => {
    expect([...publicMethods("ContainerRegistryClient")].filter(([, kind]) => kind === "sync").map(([name]) => name).sort()).toEqual(["getArtifact", "getRepository"]);
    expect(() => registry.getRepository("Bad Name")).toThrow(RangeError);
    expect(() => repository.getArtifact("bad tag")).toThrow(RangeError);
  });
});
