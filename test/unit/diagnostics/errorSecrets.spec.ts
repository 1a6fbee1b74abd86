// No secret reaches an error, whatever a server answers: every path an error takes out of the
// library (token service, generated operations' parse errors, raw responses, the OCI listings,
// a download stream's failure) is driven with hostile bodies, and each error is printed the four
// ways callers print errors (message, toString, JSON.stringify, util.inspect) plus its stack.
import { inspect } from "node:util";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { PipelineRequest } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/core-auth";
import { ContainerRegistryClient, ContainerRegistryContentClient } from "../../../src/index.js";
import { scriptedClient as scripted, type ScriptedReply as Reply } from "../fakes/scriptedClient.js";

const endpoint = "https://myregistry.azurecr.io";
const JWT_REFRESH = "eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJyZWZyZXNoIn0.c2lnbmF0dXJl";
const JWT_PARTIAL = "eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiJyZWZy";
const OPAQUE_ACCESS = "opaque-access-7f3c9a";
const ENTRA = "entra-token-5d1e";
const PASSWORD = "hunter2-pa55";
const SIGNATURE = "sv2rH8s%2Bsig%3D";
const SECRETS = [JWT_REFRESH, JWT_PARTIAL, OPAQUE_ACCESS, ENTRA, PASSWORD, SIGNATURE, decodeURIComponent(SIGNATURE)];

const credential: TokenCredential = { getToken: async () => ({ token: ENTRA, expiresOnTimestamp: Date.now() + 3600_000 }) };
const challenge: Reply = {
  status: 401,
  headers: { "www-authenticate": `Bearer realm="${endpoint}/oauth2/token",service="myregistry.azurecr.io",scope="repository:hello:metadata_read"` },
  body: JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }),
};

/** A metadata call whose token exchange (and, once it succeeds, token request) gets `exchange` and `token`. */
function tokenFlow(exchange: Reply, token: Reply = { status: 200, body: JSON.stringify({ access_token: OPAQUE_ACCESS }) }) {
  const httpClient = scripted((request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/oauth2/exchange") return exchange;
    if (pathname === "/oauth2/token") return token;
    return request.headers.has("authorization") ? { status: 500, body: "" } : challenge;
  });
  return new ContainerRegistryClient(endpoint, credential, { httpClient, retryOptions: { maxRetries: 0 } }).getRepository("hello").getProperties();
}

function content(answer: (request: PipelineRequest) => Reply) {
  return new ContainerRegistryContentClient(endpoint, "hello", { httpClient: scripted(answer), retryOptions: { maxRetries: 0 } });
}

/** Every way an error gets printed. */
function printed(error: unknown): string[] {
  const e = error as Error;
  return [e.message, String(e), JSON.stringify(e), inspect(e, { depth: 10 }), e.stack ?? ""];
}

async function failureOf(operation: Promise<unknown>): Promise<Error> {
  const outcome = await operation.then(
    () => undefined,
    (error: unknown) => error as Error,
  );
  if (!outcome) throw new Error("the operation was expected to fail");
  return outcome;
}

function expectNoSecret(error: Error): void {
  for (const text of printed(error)) for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe("errors built from hostile server answers", () => {
  const digest = `sha256:${"c".repeat(64)}`;
  const cases: Array<[string, () => Promise<unknown>]> = [
    ["an exchange body cut before its closing brace (core's PARSE_ERROR quotes it)", () => tokenFlow({ status: 200, body: `{"refresh_token":"${JWT_REFRESH}"` })],
    ["an exchange body cut inside the token", () => tokenFlow({ status: 200, body: `{"refresh_token":"${JWT_PARTIAL}` })],
    ["a token body that is a bare opaque token", () => tokenFlow({ status: 200, body: JSON.stringify({ refresh_token: JWT_REFRESH }) }, { status: 200, body: OPAQUE_ACCESS })],
    [
      "a token error echoing the form it was sent",
      () =>
        tokenFlow({
          status: 400,
          body: JSON.stringify({ errors: [{ code: "DENIED", message: `bad grant: access_token=${ENTRA}&password=${PASSWORD}`, detail: { refresh_token: JWT_REFRESH } }] }),
        }),
    ],
    [
      "a metadata answer that is not JSON and echoes the Authorization header",
      () => {
        const httpClient = scripted(() => ({ status: 200, body: `Authorization: Bearer ${OPAQUE_ACCESS} <${JWT_REFRESH}` }));
        return new ContainerRegistryClient(endpoint, { httpClient }).getRepository("hello").getProperties();
      },
    ],
    [
      "a registry error quoting a signed URL and a token",
      () =>
        content(() => ({
          status: 403,
          body: JSON.stringify({ errors: [{ code: "DENIED", message: `no access to https://blob.test/x?se=1&sig=${SIGNATURE}`, detail: { token: OPAQUE_ACCESS } }] }),
        })).deleteBlob(digest),
    ],
    ["a non-registry error body holding a token", () => content(() => ({ status: 500, body: JSON.stringify({ session: OPAQUE_ACCESS, password: PASSWORD }) })).deleteBlob(digest)],
    ["a tag list that is not JSON and quotes a token", () => content(() => ({ status: 200, body: `{"tags":["${OPAQUE_ACCESS}"` })).listTagNames().next()],
    [
      "a signed redirect target that refuses the download",
      () =>
        content((request): Reply =>
          new URL(request.url).host === "blob.test"
            ? { status: 403, body: `<Error>signature ${decodeURIComponent(SIGNATURE)} expired</Error>`, headers: { "content-type": "application/xml" } }
            : { status: 307, headers: { location: `https://blob.test/d?sig=${SIGNATURE}` } },
        ).downloadBlob(digest),
    ],
  ];

  for (const [description, operation] of cases) {
    it(`keeps every secret out of the error for ${description}`, async () => {
      expectNoSecret(await failureOf(operation()));
    });
  }

  it("keeps secrets out of a download stream's error when a resume meets a registry error quoting a token", async () => {
    const blob = Buffer.alloc(1000, 1);
    let gets = 0;
    const client = content(() => {
      gets++;
      if (gets === 1) {
        const dropping = Readable.from(
          (async function* () {
            yield blob.subarray(0, 10);
            throw new Error("socket hang up");
          })(),
        );
        return { status: 200, headers: { "content-length": "1000" }, stream: dropping };
      }
      return { status: 403, body: JSON.stringify({ errors: [{ code: "DENIED", message: `token ${JWT_REFRESH} revoked` }] }) };
    });
    const { content: stream } = await client.downloadBlob(`sha256:${"d".repeat(64)}`, { maxResumeAttempts: 1 });
    const error = await failureOf((async () => {
      for await (const _ of stream) void _;
    })());
    expect(gets).toBe(2);
    expectNoSecret(error);
  });

  it("still says what went wrong: the registry's code, the status, the operation", async () => {
    const error = await failureOf(tokenFlow({ status: 200, body: `{"refresh_token":"${JWT_REFRESH}"` }));
    expect(error.message).toMatch(/oauth2\/exchange/);
    expect(error.message).toMatch(/could not be parsed/);
    const denied = await failureOf(
      content(() => ({ status: 403, body: JSON.stringify({ errors: [{ code: "DENIED", message: `no access to https://blob.test/x?sig=${SIGNATURE}` }] }) })).deleteBlob(digest),
    );
    expect(denied).toMatchObject({ statusCode: 403, code: "DENIED" });
    expect(denied.message).toContain("sig=REDACTED");
  });
});
