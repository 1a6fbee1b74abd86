import { describe, expect, it } from "vitest";
import { normalizeEndpoint } from "../../../src/http/endpoint.js";

describe("normalizeEndpoint", () => {
  it("normalises what users type", () => {
    expect(normalizeEndpoint("myregistry.azurecr.io")).toBe("https://myregistry.azurecr.io");
    expect(normalizeEndpoint(" https://MyRegistry.azurecr.io/ ")).toBe("https://myregistry.azurecr.io");
    expect(normalizeEndpoint("http://127.0.0.1:5000")).toBe("http://127.0.0.1:5000");
    expect(normalizeEndpoint("localhost:5000")).toBe("https://localhost:5000");
  });

  it("refuses endpoints that are not a registry origin", () => {
    expect(() => normalizeEndpoint("")).toThrow(RangeError);
    expect(() => normalizeEndpoint(42 as unknown as string)).toThrow(TypeError);
    expect(() => normalizeEndpoint("ftp://r.io")).toThrow(/https/);
    expect(() => normalizeEndpoint("https://r.io/v2/")).toThrow(/origin/);
    expect(() => normalizeEndpoint("https://user:pass@r.io")).toThrow(/credentials/);
    expect(() => normalizeEndpoint("https://exa mple.com")).toThrow(/valid URL/);
  });
});
