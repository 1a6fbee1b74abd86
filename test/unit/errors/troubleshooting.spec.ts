import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as library from "../../../src/index.js";

const guide = readFileSync(new URL("../../../TROUBLESHOOTING.md", import.meta.url), "utf8");

describe("TROUBLESHOOTING.md", () => {
  it("names every error class the package exports and every code of KnownContainerRegistryErrorCode", () => {
    const errorClasses = Object.entries(library)
      .filter(([, value]) => typeof value === "function" && value.prototype instanceof Error)
      .map(([name]) => name)
      .filter((name) => name !== "RestError");
    const codes = Object.values(library.KnownContainerRegistryErrorCode);
    expect(errorClasses.length).toBeGreaterThanOrEqual(7);
    expect(codes.length).toBeGreaterThanOrEqual(10);
    const missing = [...errorClasses, ...codes].filter((name) => !guide.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
