// The hand-written KnownArtifactOperatingSystem keeps 1.1's member names; its values must stay those
// of the service spec, which the generated enum carries.
import { describe, expect, it } from "vitest";
import { KnownArtifactOperatingSystem } from "../../../src/index.js";
import { KnownArtifactOperatingSystem as GeneratedOperatingSystem } from "../../../src/generated/index.js";

describe("KnownArtifactOperatingSystem", () => {
  it("has 1.1's iOS member and the deprecated IOS alias, both 'ios'", () => {
    expect(KnownArtifactOperatingSystem.iOS).toBe("ios");
    expect(KnownArtifactOperatingSystem.IOS).toBe("ios");
  });

  it("has exactly the values of the service spec", () => {
    const values = (enumObject: object) => [...new Set(Object.values(enumObject))].sort();
    expect(values(KnownArtifactOperatingSystem)).toEqual(values(GeneratedOperatingSystem));
  });
});
