// The CNCF registry behind the fault proxy for one describe block: started before its tests,
// stopped after them, faults cleared after each test.
import { afterAll, afterEach, beforeAll } from "vitest";
import { startFaultProxy, type FaultProxy } from "./faultProxy.js";
import { startDistributionRegistry, type RunningRegistry } from "./registry.js";

export interface ProxiedRegistry {
  registry: RunningRegistry;
  proxy: FaultProxy;
}

/** Registers the hooks of the describe block it is called in; `started` receives the servers once they run. */
export function useRegistryBehindFaultProxy(started: (servers: ProxiedRegistry) => void): void {
  let servers: ProxiedRegistry | undefined;
  beforeAll(async () => {
    const registry = await startDistributionRegistry();
    servers = { registry, proxy: await startFaultProxy({ target: registry.endpoint }) };
    started(servers);
  });
  afterAll(async () => {
    await servers?.proxy.stop();
    await servers?.registry.stop();
  });
  afterEach(() => servers?.proxy.clearFaults());
}
