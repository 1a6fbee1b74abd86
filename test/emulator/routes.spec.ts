// The route table against the shared access rule: every row routes its paths, refuses the methods it
// does not list, and challenges for exactly the scope the client predicts (protocol/acrAccess.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { ROUTES } from "../../src/emulator/http/routes.js";
import { requiredAccessForRequest } from "../../src/protocol/acrAccess.js";
import { formatScopes } from "../../src/protocol/scopes.js";

const HEX = "a".repeat(64);

/** A request path for each row of the table (a new row without one fails the first test). */
const SAMPLE_PATHS: Record<string, string> = {
  base: "/v2/",
  catalog: "/v2/_catalog",
  tags: "/v2/lib/app/tags/list",
  manifest: "/v2/lib/app/manifests/v1",
  uploads: `/v2/lib/app/blobs/uploads/?mount=sha256:${HEX}&from=lib/base`,
  upload: "/v2/lib/app/blobs/uploads/00000000-0000-0000-0000-000000000000",
  blob: `/v2/lib/app/blobs/sha256:${HEX}`,
  referrers: `/v2/lib/app/referrers/sha256:${HEX}`,
  acrCatalog: "/acr/v1/_catalog",
  acrTag: "/acr/v1/lib%2Fapp/_tags/v1",
  acrTags: "/acr/v1/lib%2Fapp/_tags",
  acrManifest: `/acr/v1/lib%2Fapp/_manifests/sha256:${HEX}`,
  acrManifests: "/acr/v1/lib%2Fapp/_manifests",
  acrRepository: "/acr/v1/lib%2Fapp",
  exchange: "/oauth2/exchange",
  token: "/oauth2/token",
  identity: "/_identity/token",
  storage: `/_storage/docker/registry/v2/blobs/sha256/aa/${HEX}/data`,
};

/** Methods whose answer has a body (a HEAD gets none), to find one a row does not list. */
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

describe("emulator: the route table", () => {
  let emulator: AcrEmulator;

  beforeAll(async () => {
    emulator = await startAcrEmulator({ serviceName: "routes.azurecr.io" });
  });
  afterAll(() => emulator.close());

  const lastOperation = (): string | undefined => emulator.requestLog.at(-1)?.operation;

  it("has a sample path for every row, and each sample is served by its own row", async () => {
    expect(Object.keys(SAMPLE_PATHS).sort()).toEqual(ROUTES.map((route) => route.kind).sort());
    for (const route of ROUTES) {
      await (await fetch(`${emulator.endpoint}${SAMPLE_PATHS[route.kind]!}`, { method: route.methods[0] })).arrayBuffer();
      expect(lastOperation(), route.kind).toBe(route.kind);
    }
  });

  it("answers 405 UNSUPPORTED, before any authentication, to a method a row does not list", async () => {
    for (const route of ROUTES) {
      const method = METHODS.find((candidate) => !route.methods.includes(candidate))!;
      const response = await fetch(`${emulator.endpoint}${SAMPLE_PATHS[route.kind]!}`, { method });
      expect(response.status, `${method} ${route.kind}`).toBe(405);
      expect(((await response.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe("UNSUPPORTED");
    }
  });

  it("challenges an unauthenticated request with the scope the shared rule predicts, for every protected row and method", async () => {
    let checked = 0;
    for (const route of ROUTES) {
      for (const method of route.methods) {
        const path = SAMPLE_PATHS[route.kind]!;
        const predicted = requiredAccessForRequest(method, path);
        if (predicted === undefined) continue; // a public endpoint
        const response = await fetch(`${emulator.endpoint}${path}`, { method });
        await response.arrayBuffer();
        const scope = predicted.length > 0 ? `,scope="${formatScopes(predicted)}"` : "";
        expect(response.status, `${method} ${route.kind}`).toBe(401);
        expect(response.headers.get("www-authenticate"), `${method} ${route.kind}`).toBe(
          `Bearer realm="${emulator.endpoint}/oauth2/token",service="routes.azurecr.io"${scope}`,
        );
        checked++;
      }
    }
    // 14 protected rows, 28 methods among them: a row wrongly public would lower the count.
    expect(checked).toBe(28);
  });
});
