// A token-auth registry: the CNCF registry verifying every token of the test token server, with a policy
// where anyone pulls one repository and alice, with her password, does anything.
import { startDistributionRegistry, type RegistryOptions, type RunningRegistry } from "./registry.js";
import { startTokenServer, type RunningTokenServer, type TokenServerOptions } from "./tokenServer.js";

export const ALICE = { user: "alice", password: "alice's pass:word" };
export const PUBLIC_REPOSITORY = "public/app";

/**
 * What the token server grants: anyone pulls `public/app`; alice pulls, pushes and deletes anywhere
 * and lists the catalog.
 */
export const TOKEN_RULES: NonNullable<TokenServerOptions["rules"]> = [
  { name: PUBLIC_REPOSITORY, actions: ["pull"] },
  { users: [ALICE.user], name: /.*/, actions: ["pull", "push", "delete"] },
  { users: [ALICE.user], type: "registry", name: "catalog", actions: ["*"] },
];

export interface TokenAuthRegistry {
  tokens: RunningTokenServer;
  registry: RunningRegistry;
  stop(): Promise<void>;
}

/** A token server and a registry that trusts it (both https with `tls`), on loopback. */
export async function startTokenAuthRegistry(
  options: { tls?: boolean; tokenServer?: TokenServerOptions; registry?: RegistryOptions; realm?: (realm: string) => string } = {},
): Promise<TokenAuthRegistry> {
  const tokens = await startTokenServer({ tls: options.tls, users: { [ALICE.user]: ALICE.password }, rules: TOKEN_RULES, ...options.tokenServer });
  const realm = options.realm ? options.realm(tokens.realm) : tokens.realm;
  const registry = await startDistributionRegistry({ tls: options.tls, ...options.registry, tokenAuth: { ...tokens, realm } });
  return {
    tokens,
    registry,
    async stop() {
      await registry.stop();
      await tokens.stop();
    },
  };
}

