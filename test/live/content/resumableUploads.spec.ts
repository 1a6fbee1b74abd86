// Resumable uploads against the real CNCF registry (distribution 2.8) through the fault proxy. Its
// sessions do not survive a cut request or a lost answer (every later request on them gets 404
// BLOB_UPLOAD_INVALID), so the only way on is a new session; a 5xx answered before the body leaves
// the session usable.
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ContainerRegistryContentClient, type ContainerRegistryContentClientOptions } from "../../../src/index.js";
import { type FaultProxy, type ProxiedRequest, type RequestRecord } from "../../utils/faultProxy.js";
import { captureVerboseLog } from "../../utils/verboseLog.js";
import { useRegistryBehindFaultProxy } from "../../utils/proxiedRegistry.js";
import { distributionRegistryAvailable } from "../../utils/registry.js";
import { bytes, MiB, readAll, sha256, SKIP_MESSAGE } from "./support.js";

const isPatch = ({ method }: ProxiedRequest): boolean => method === "PATCH";
const sessionOf = (record: RequestRecord): string => /\/blobs\/uploads\/([^/?]+)/.exec(record.path)?.[1] ?? "";
const statuses = (records: RequestRecord[]): string[] => records.map((r) => `${r.method} ${r.status}`);

describe.skipIf(!distributionRegistryAvailable())("resumable uploads against the CNCF distribution registry", () => {
  let proxy: FaultProxy;
  useRegistryBehindFaultProxy((servers) => ({ proxy } = servers));

  const client = (repository: string, options: ContainerRegistryContentClientOptions = {}): ContainerRegistryContentClient =>
    new ContainerRegistryContentClient(proxy.endpoint, repository, { retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 50 }, ...options });
  const requestsOf = (repository: string): RequestRecord[] => proxy.requests.filter((r) => r.path.startsWith(`/v2/${repository}/`));
  async function expectStored(repository: string, data: Buffer): Promise<void> {
    const { content } = await client(repository).downloadBlob(sha256(data));
    expect((await readAll(content)).equals(data)).toBe(true);
  }

  it("a PATCH cut mid-body: the registry invalidates the session, refuses its cancel (logged at verbose), and a new session stores the blob", async () => {
    const repository = "resumable/cut";
    const data = bytes(4 * MiB, 31);
    proxy.addFault({ match: isPatch, fault: { kind: "reset-request", atByte: 1_500_000 } });
    const log = await captureVerboseLog(async () => {
      expect((await client(repository).uploadBlob(data)).digest).toBe(sha256(data));
    });
    expect(log.match(/container-registry:verbose The registry refused to cancel upload session [^\n]*404 BLOB_UPLOAD_INVALID/g)).toHaveLength(1);
    const requests = requestsOf(repository);
    expect(statuses(requests)).toEqual(["POST 202", "PATCH undefined", "GET 404", "DELETE 404", "POST 202", "PATCH 202", "PUT 201"]);
    expect(sessionOf(requests[3]!)).toBe(sessionOf(requests[1]!));
    expect(sessionOf(requests[5]!)).not.toBe(sessionOf(requests[1]!));
    await expectStored(repository, data);
  });

  it("a 503 answered before the body was read leaves the session usable: its status GET answers 204, and the same session stores the blob", async () => {
    const repository = "resumable/refused";
    const data = bytes(2 * MiB, 32);
    proxy.addFault({ match: isPatch, fault: { kind: "error-before", status: 503 } });
    await client(repository).uploadBlob(data);
    const requests = requestsOf(repository);
    expect(statuses(requests)).toEqual(["POST 202", "PATCH 503", "GET 204", "PATCH 202", "PUT 201"]);
    expect(new Set(requests.slice(1).map(sessionOf)).size).toBe(1);
    await expectStored(repository, data);
  });

  it("a 500 after the registry processed the PATCH: the Location the client holds is invalid, and only a new session goes on", async () => {
    const repository = "resumable/lost-answer";
    const data = bytes(2 * MiB, 33);
    proxy.addFault({ match: isPatch, fault: { kind: "error-after", status: 500 } });
    await client(repository).uploadBlob(data);
    expect(statuses(requestsOf(repository))).toEqual(["POST 202", "PATCH 500", "GET 404", "DELETE 404", "POST 202", "PATCH 202", "PUT 201"]);
    await expectStored(repository, data);
  });

  it("an upload that gives up (every PATCH cut) fails with the last failure, having asked to cancel every session it opened", async () => {
    const repository = "resumable/give-up";
    proxy.addFault({ match: isPatch, times: 100, fault: { kind: "reset-request", atByte: 100_000 } });
    const failure = await client(repository, { retryOptions: { maxRetries: 2, retryDelayInMs: 5 } }).uploadBlob(bytes(MiB, 34)).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: "RestError", statusCode: undefined });
    const requests = requestsOf(repository);
    const opened = requests.filter(isPatch).map(sessionOf);
    expect(opened).toHaveLength(3);
    expect(new Set(opened).size).toBe(3);
    expect(requests.filter((r) => r.method === "DELETE").map(sessionOf)).toEqual(opened);
  });

  it("a one-shot stream cut mid-body fails with UploadNotResumable: the registry lost the session and the stream cannot be read again", async () => {
    const repository = "resumable/one-shot";
    const data = bytes(2 * MiB, 35);
    proxy.addFault({ match: isPatch, fault: { kind: "reset-request", atByte: 500_000 } });
    const failure = await client(repository).uploadBlob(Readable.from([data]), { sizeInBytes: data.length }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "UploadNotResumable" });
    expect((failure as Error).message).toContain("the registry lost the upload session");
    expect(statuses(requestsOf(repository))).toEqual(["POST 202", "PATCH undefined", "GET 404", "DELETE 404"]);
  });

  it("a stream of unknown length whose second chunk got a 503 before its body goes on in the same session", async () => {
    const repository = "resumable/chunks";
    const data = bytes(2 * MiB + 10, 36);
    let patches = 0;
    proxy.addFault({ match: (request) => isPatch(request) && ++patches === 2, fault: { kind: "error-before", status: 503 } });
    const uploaded = await client(repository, { uploadChunkSizeInBytes: MiB }).uploadBlob(Readable.from([data]));
    expect(uploaded.digest).toBe(sha256(data));
    expect(requestsOf(repository).filter(isPatch).map((r) => r.headers["content-range"])).toEqual([
      `0-${MiB - 1}`,
      `${MiB}-${2 * MiB - 1}`,
      `${MiB}-${2 * MiB - 1}`,
      `${2 * MiB}-${2 * MiB + 9}`,
    ]);
    await expectStored(repository, data);
  });
});

describe.runIf(!distributionRegistryAvailable())("resumable uploads against the CNCF distribution registry", () => {
  it.skip(SKIP_MESSAGE, () => undefined);
});
