import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SDK_VERSION } from "../../../src/constants.js";
import { PACKAGE_USER_AGENT } from "../../../src/http/userAgent.js";

const root = new URL("../../../", import.meta.url);

describe("the package version", () => {
  it("is package.json's in the runtime constant, the hand-built user agent and the generated client's user agent", () => {
    const { version } = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { version: string };
    expect(SDK_VERSION).toBe(version);
    expect(PACKAGE_USER_AGENT).toBe(`azsdk-js-container-registry/${version}`);
    const generated = readFileSync(new URL("src/generated/generatedClient.ts", root), "utf8");
    expect(generated).toContain(`const packageDetails = \`${PACKAGE_USER_AGENT}\`;`);
  });
});
