// The hand-written KnownArtifactOperatingSystem keeps 1.1's member names; its values must stay those of
// the service spec (the ArtifactOperatingSystem enum of the 2021-07-01 spec, in ../shared when present).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KnownArtifactOperatingSystem } from "../../../src/index.js";

const shared = process.env.ACR_SHARED_DIR ? path.resolve(process.env.ACR_SHARED_DIR) : path.resolve(process.cwd(), "..", "shared");
const specFile = path.join(shared, "swagger", "containerregistry.json");

describe("KnownArtifactOperatingSystem", () => {
  it("has 1.1's iOS member and the deprecated IOS alias, both 'ios'", () => {
    expect(KnownArtifactOperatingSystem.iOS).toBe("ios");
    expect(KnownArtifactOperatingSystem.IOS).toBe("ios");
  });

  it.skipIf(!existsSync(specFile))("has exactly the values of the service spec (skipped without ../shared/swagger)", () => {
    const spec = JSON.parse(readFileSync(specFile, "utf8")) as { definitions: Record<string, { enum?: string[] }> };
    const values = [...new Set(Object.values(KnownArtifactOperatingSystem))].sort();
    expect(values).toEqual([...spec.definitions.ArtifactOperatingSystem!.enum!].sort());
  });
});
