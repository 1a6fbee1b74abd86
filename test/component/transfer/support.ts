// The emulator in-process behind the fault proxy, and a content client of this library through it:
// what the transfer suites of this folder run against.
import { startAcrEmulator, type AcrEmulator } from "../../../src/emulator/index.js";
import { ContainerRegistryContentClient, type ContainerRegistryContentClientOptions } from "../../../src/index.js";
export { bytes, MiB, readAll, sha256 } from "../../live/content/support.js";
import { startFaultProxy, type FaultProxy, type ProxiedRequest, type RequestRecord } from "../../utils/faultProxy.js";

export interface FaultyEmulator {
  emulator: AcrEmulator;
  proxy: FaultProxy;
  /** A client of `repository` through the proxy, with quick retries unless told otherwise. */
  client(repository: string, options?: ContainerRegistryContentClientOptions): ContainerRegistryContentClient;
  /** The proxy's records of requests on `repository`'s blobs and uploads, in order. */
  requestsOf(repository: string): RequestRecord[];
  stop(): Promise<void>;
}

export async function startFaultyEmulator(): Promise<FaultyEmulator> {
  const emulator = await startAcrEmulator({ authentication: false });
  const proxy = await startFaultProxy({ target: emulator.endpoint });
  return {
    emulator,
    proxy,
    client: (repository, options = {}) =>
      new ContainerRegistryContentClient(proxy.endpoint, repository, { retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 50 }, ...options }),
    requestsOf: (repository) => proxy.requests.filter((record) => record.path.startsWith(`/v2/${repository}/`)),
    async stop() {
      await proxy.stop();
      await emulator.close();
    },
  };
}

export const isPatch = ({ method }: ProxiedRequest): boolean => method === "PATCH";
export const isBlobGet = ({ method, path }: ProxiedRequest): boolean => method === "GET" && /\/blobs\/sha256:/.test(path);

/** The upload session id a request went to (`/uploads/<id>`), or "" for the POST that opened it. */
export function sessionOf(record: RequestRecord): string {
  return /\/blobs\/uploads\/([^/?]+)/.exec(record.path)?.[1] ?? "";
}
