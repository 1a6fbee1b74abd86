import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAcrEmulator, type AcrEmulator } from "../../src/emulator/index.js";
import { client, digestOf, type Client } from "./helpers.js";

const index = (n: number): string =>
  JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [], annotations: { n: String(n) } });
const digests = [1, 2, 3].map((n) => digestOf(index(n)));

describe("emulator: paging with Link", () => {
  let emulator: AcrEmulator;
  let call: Client;

  beforeAll(async () => {
    emulator = await startAcrEmulator({ authentication: false, maxPageSize: 3 });
    call = client(emulator);
    await emulator.seed({
      repositories: [
        ...["alpha", "beta/one", "gamma", "zeta"].map((name) => ({ name })),
        {
          name: "library/hello-world",
          // Update times run against name order, so time ordering is visible.
          manifests: [1, 2, 3].map((n) => ({ content: index(n), lastUpdateTime: `2024-01-0${4 - n}T00:00:00Z` })),
          tags: ["latest", "v1", "v2"].map((name, i) => ({ name, digest: digests[i]!, lastUpdateTime: `2024-02-0${3 - i}T00:00:00Z` })),
        },
      ],
    });
  });
  afterAll(() => emulator.close());

  it("pages /v2/_catalog with n/last, a relative Link and the maxPageSize cap", async () => {
    const first = await call("/v2/_catalog?n=2");
    expect(await first.json()).toEqual({ repositories: ["alpha", "beta/one"] });
    expect(first.headers.get("link")).toBe('</v2/_catalog?last=beta%2Fone&n=2>; rel="next"');
    const second = await call("/v2/_catalog?last=beta%2Fone&n=2");
    expect(((await second.json()) as { repositories: string[] }).repositories).toEqual(["gamma", "library/hello-world"]);
    const capped = await call("/v2/_catalog?n=50");
    expect(((await capped.json()) as { repositories: string[] }).repositories).toHaveLength(3);
    expect(capped.headers.get("link")).toBe('</v2/_catalog?last=gamma&n=3>; rel="next"');
    const last = await call("/v2/_catalog?last=gamma&n=3");
    expect(last.headers.get("link")).toBeNull();
  });

  it("pages /v2/<name>/tags/list", async () => {
    const first = await call("/v2/library/hello-world/tags/list?n=1");
    expect(await first.json()).toEqual({ name: "library/hello-world", tags: ["latest"] });
    expect(first.headers.get("link")).toBe('</v2/library/hello-world/tags/list?last=latest&n=1>; rel="next"');
    const rest = await call("/v2/library/hello-world/tags/list?last=latest");
    expect(((await rest.json()) as { tags: string[] }).tags).toEqual(["v1", "v2"]);
  });

  it("pages /acr/v1/_catalog with ACR's Link (last, n, orderby)", async () => {
    const first = await call("/acr/v1/_catalog?n=1");
    expect(await first.json()).toEqual({ repositories: ["alpha"] });
    expect(first.headers.get("link")).toBe('</acr/v1/_catalog?last=alpha&n=1&orderby=>; rel="next"');
  });

  it("pages /acr/v1/<name>/_tags by name or by time, and filters by digest", async () => {
    const byName = await call("/acr/v1/library%2Fhello-world/_tags?n=2");
    expect(((await byName.json()) as { tags: Array<{ name: string }> }).tags.map((t) => t.name)).toEqual(["latest", "v1"]);
    expect(byName.headers.get("link")).toBe('</acr/v1/library%2Fhello-world/_tags?last=v1&n=2&orderby=>; rel="next"');

    const byTime = await call("/acr/v1/library%2Fhello-world/_tags?n=2&orderby=timeasc");
    expect(((await byTime.json()) as { tags: Array<{ name: string }> }).tags.map((t) => t.name)).toEqual(["v2", "v1"]);
    const link = byTime.headers.get("link")!;
    expect(link).toBe('</acr/v1/library%2Fhello-world/_tags?last=v1&n=2&orderby=timeasc>; rel="next"');
    const next = await call(link.slice(1, link.indexOf(">")));
    expect(((await next.json()) as { tags: Array<{ name: string }> }).tags.map((t) => t.name)).toEqual(["latest"]);

    const filtered = await call(`/acr/v1/library%2Fhello-world/_tags?digest=${encodeURIComponent(digests[1]!)}`);
    expect(((await filtered.json()) as { tags: Array<{ name: string }> }).tags.map((t) => t.name)).toEqual(["v1"]);
  });

  it("pages /acr/v1/<name>/_manifests by digest or by time", async () => {
    const sorted = [...digests].sort();
    const first = await call("/acr/v1/library%2Fhello-world/_manifests?n=1");
    const body = (await first.json()) as { registry: string; imageName: string; manifests: Array<{ digest: string }> };
    expect(body.imageName).toBe("library/hello-world");
    expect(body.manifests.map((m) => m.digest)).toEqual([sorted[0]]);
    expect(first.headers.get("link")).toBe(
      `</acr/v1/library%2Fhello-world/_manifests?last=${encodeURIComponent(sorted[0]!)}&n=1&orderby=>; rel="next"`,
    );
    const newest = await call("/acr/v1/library%2Fhello-world/_manifests?orderby=timedesc");
    expect(((await newest.json()) as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest)).toEqual(digests);
  });
});
