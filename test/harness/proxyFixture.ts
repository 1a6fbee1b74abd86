// One tiny local server per describe block, and fault proxies in front of it that are stopped after
// each test (once the server has seen the end of every request, so no arrival spills into the next test).
import { afterAll, afterEach, beforeAll } from "vitest";
import { startFaultProxy, type FaultProxy, type FaultProxyOptions, type FaultRule } from "../utils/faultProxy.js";
import { startLocalServer, type LocalServer, type Route } from "./localServer.js";

export interface ProxyFixture {
  readonly server: LocalServer;
  /** The proxy the running test started last. */
  readonly proxy: FaultProxy;
  /** Starts a proxy in front of the server (stopped after the test). */
  start(options?: Omit<FaultProxyOptions, "target">): Promise<FaultProxy>;
  /** Starts a proxy with these rules and returns its endpoint. */
  through(...faults: FaultRule[]): Promise<string>;
}

export function proxyFixture(route?: Route): ProxyFixture {
  let server: LocalServer | undefined;
  const started: FaultProxy[] = [];
  beforeAll(async () => {
    server = await startLocalServer(route);
  });
  afterAll(() => server?.stop());
  afterEach(async () => {
    await Promise.all(started.splice(0).map((proxy) => proxy.stop()));
    await server!.arrived(server!.arrivals.length);
    server!.arrivals.length = 0;
  });
  const fixture: ProxyFixture = {
    get server() {
      return server!;
    },
    get proxy() {
      if (started.length === 0) throw new Error("no proxy started in this test");
      return started.at(-1)!;
    },
    async start(options = {}) {
      const proxy = await startFaultProxy({ ...options, target: server!.endpoint });
      started.push(proxy);
      return proxy;
    },
    async through(...faults) {
      return (await fixture.start({ faults })).endpoint;
    },
  };
  return fixture;
}
