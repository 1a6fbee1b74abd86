// ACR's route → scope rule (src/protocol/acrAccess.ts) against what real ACR answered, in every run:
// each recorded challenge of test/recordings/acr is named by the rule, predicted by the client
// (src/auth/requestScope.ts), and answered alike by the emulator; the client's token requests carry
// the form fields the official client's did.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBearerChallenge } from "../../src/auth/challenge.js";
import { classifyRequest } from "../../src/auth/requestScope.js";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { ContainerRegistryClient } from "../../src/index.js";
import { requiredAccessForRequest } from "../../src/protocol/acrAccess.js";
import { formatScopes, parseScopes } from "../../src/protocol/scopes.js";
import { FakeAcr } from "../unit/fakes/fakeAcr.js";
import { loadAcrSubset, type RecordedChallenge } from "./acrRecordings.js";

const subset = loadAcrSubset();

/** A scope with each entry's actions sorted: ACR writes both `pull,push` and `push,pull`. Entry order counts. */
function canonical(scope: string | undefined): string {
  return formatScopes(parseScopes(scope ?? "").map((entry) => ({ ...entry, actions: [...entry.actions].sort() })));
}

function challengedScope(challenge: RecordedChallenge): string {
  const scope = findBearerChallenge(challenge.wwwAuthenticate)?.scope;
  if (!scope) throw new Error(`${challenge.method} ${challenge.path}: the recorded challenge names no scope`);
  return scope;
}

const title = (challenge: RecordedChallenge): string =>
  `${challenge.method} ${challenge.path} → ${challengedScope(challenge)}${/insufficient_scope/.test(challenge.wwwAuthenticate) ? " (insufficient_scope)" : ""} [${challenge.file}]`;

describe("ACR's route → scope rule against real ACR challenges (test/recordings/acr)", () => {
  it("has every recorded challenge, the hand-added mount included", () => {
    expect(subset.challenges.length).toBeGreaterThanOrEqual(30);
    expect(subset.challenges.some((challenge) => challenge.path.includes("mount="))).toBe(true);
  });

  describe.each(subset.challenges.map((challenge) => ({ challenge, name: title(challenge) })))("$name", ({ challenge }) => {
    it("protocol/acrAccess names the challenged scope, and the client's classifyRequest predicts it", () => {
      const expected = canonical(challengedScope(challenge));
      const access = requiredAccessForRequest(challenge.method, challenge.path);
      expect(access && canonical(formatScopes(access))).toBe(expected);
      expect(canonical(classifyRequest(challenge.method, `https://registry.invalid${challenge.path}`)?.predicted)).toBe(expected);
    });
  });

  it("knows every recorded registry route: the client predicts a scope for each, challenged or not", () => {
    const routes = [...subset.challenges, ...subset.responses];
    const unknown = routes.filter((route) => !classifyRequest(route.method, `https://registry.invalid${route.path}`)?.predicted);
    expect(unknown.map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });
});

describe("the emulator against real ACR challenges (test/recordings/acr)", () => {
  let emulator: AcrEmulator;
  beforeAll(async () => {
    emulator = await startAcrEmulator({ authentication: true });
  });
  afterAll(() => emulator?.close());

  it.each(subset.challenges.map((challenge) => ({ challenge, name: title(challenge) })))(
    "answers $name without a token with 401, the recorded error code and a challenge for the same scope",
    async ({ challenge }) => {
      const response = await fetch(`${emulator.endpoint}${challenge.path}`, {
        method: challenge.method,
        // What the recorded clients sent on these routes; the challenge comes before any body is read.
        ...(["PATCH", "PUT"].includes(challenge.method) && { headers: { "Content-Type": "application/json" }, body: "{}" }),
      });
      const body = await response.text();
      expect(response.status).toBe(401);
      // The Go SDK's quoted exchange kept no body; every extracted challenge has its code.
      if (challenge.errorCode) expect((JSON.parse(body) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe(challenge.errorCode);
      expect(canonical(findBearerChallenge(response.headers.get("www-authenticate") ?? undefined)?.scope)).toBe(canonical(challengedScope(challenge)));
    },
  );
});

describe("the client's token requests against the recorded ones (test/recordings/acr)", () => {
  const recordedFields = (route: string): string[] =>
    [...new Set(subset.tokenRequests.filter((request) => request.path.split("?")[0] === route).flatMap((request) => request.formFields))].sort();

  it("sends /oauth2/exchange and /oauth2/token with the form fields the official client sent, with and without a credential", async () => {
    for (const anonymous of [false, true]) {
      const fake = new FakeAcr({ accessTokenLifetime: 3600, allowAnonymous: true });
      const options = { httpClient: fake, retryOptions: { maxRetries: 0 } };
      const client = anonymous
        ? new ContainerRegistryClient("https://myregistry.azurecr.io", options)
        : new ContainerRegistryClient("https://myregistry.azurecr.io", fake.credential(), options);
      await client.getRepository("hello").getProperties();
      for (const route of anonymous ? ["/oauth2/token"] : ["/oauth2/exchange", "/oauth2/token"]) {
        const sent = fake.requests.filter((request) => request.path === route).map((request) => [...new URLSearchParams(request.body).keys()].sort());
        expect(sent, `${route}${anonymous ? " (anonymous)" : ""}`).toEqual([recordedFields(route)]);
      }
    }
  });
});
