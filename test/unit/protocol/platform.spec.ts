import { describe, expect, it } from "vitest";
import { assertPlatformSelector, formatPlatform, parsePlatform, platformMatches, selectPlatform, type OciPlatform } from "../../../src/protocol/platform.js";

const entry = (platform: OciPlatform, name: string): { name: string; platform?: OciPlatform } => ({ name, platform });

describe("protocol/platform", () => {
  it("matches arm64 with and without its default variant v8, in any spelling, but not arm64/v9", () => {
    for (const candidate of [{ variant: "v8" }, {}, { variant: "8" }, { variant: "v8.0" }]) {
      expect(platformMatches({ os: "linux", architecture: "arm64", ...candidate }, { os: "linux", architecture: "arm64" })).toBe(true);
      expect(platformMatches({ os: "linux", architecture: "arm64", ...candidate }, { os: "linux", architecture: "aarch64", variant: "v8" })).toBe(true);
    }
    expect(platformMatches({ os: "linux", architecture: "arm64", variant: "v9" }, { os: "linux", architecture: "arm64" })).toBe(false);
    expect(platformMatches({ os: "linux", architecture: "arm64" }, { os: "linux", architecture: "arm64", variant: "v9" })).toBe(false);
  });

  it("treats x86_64 and x86-64 as amd64, armhf as arm/v7, arm as arm/v7, macos as darwin, and case as irrelevant", () => {
    expect(platformMatches({ os: "linux", architecture: "amd64" }, { os: "Linux", architecture: "x86_64" })).toBe(true);
    expect(platformMatches({ os: "linux", architecture: "x86-64" }, { os: "linux", architecture: "AMD64" })).toBe(true);
    expect(platformMatches({ os: "linux", architecture: "arm", variant: "v7" }, { os: "linux", architecture: "armhf" })).toBe(true);
    expect(platformMatches({ os: "linux", architecture: "arm" }, { os: "linux", architecture: "arm", variant: "7" })).toBe(true);
    expect(platformMatches({ os: "linux", architecture: "arm", variant: "v6" }, { os: "linux", architecture: "arm" })).toBe(false);
    expect(platformMatches({ os: "darwin", architecture: "arm64" }, { os: "macos", architecture: "arm64" })).toBe(true);
    expect(platformMatches({ os: "linux", architecture: "amd64" }, { os: "windows", architecture: "amd64" })).toBe(false);
    expect(platformMatches({ os: "linux", architecture: "386" }, { os: "linux", architecture: "i386" })).toBe(true);
  });

  it("matches a Windows os.version by its leading components, and requires the os.features asked for", () => {
    const server2019 = { os: "windows", architecture: "amd64", "os.version": "10.0.17763.1040", "os.features": ["win32k"] };
    expect(platformMatches(server2019, { os: "windows", architecture: "amd64", osVersion: "10.0.17763" })).toBe(true);
    expect(platformMatches(server2019, { os: "windows", architecture: "amd64", osVersion: "10.0.17763.1040" })).toBe(true);
    expect(platformMatches(server2019, { os: "windows", architecture: "amd64", osVersion: "10.0.1776" })).toBe(false);
    expect(platformMatches(server2019, { os: "windows", architecture: "amd64", osVersion: "10.0.20348" })).toBe(false);
    expect(platformMatches(server2019, { os: "windows", architecture: "amd64", osFeatures: ["win32k"] })).toBe(true);
    expect(platformMatches({ os: "windows", architecture: "amd64" }, { os: "windows", architecture: "amd64", osFeatures: ["win32k"] })).toBe(false);
  });

  it("selects the first match in index order, preferring an exact os.version", () => {
    const entries = [
      entry({ os: "linux", architecture: "amd64" }, "linux-amd64"),
      entry({ os: "windows", architecture: "amd64", "os.version": "10.0.17763.1000" }, "ltsc2019-old"),
      entry({ os: "windows", architecture: "amd64", "os.version": "10.0.17763.1040" }, "ltsc2019"),
      entry({ os: "linux", architecture: "arm64", variant: "v8" }, "arm64"),
      { name: "attestation" } as { name: string; platform?: OciPlatform },
    ];
    expect(selectPlatform(entries, { os: "linux", architecture: "aarch64" })?.name).toBe("arm64");
    expect(selectPlatform(entries, { os: "windows", architecture: "amd64", osVersion: "10.0.17763" })?.name).toBe("ltsc2019-old");
    expect(selectPlatform(entries, { os: "windows", architecture: "amd64", osVersion: "10.0.17763.1040" })?.name).toBe("ltsc2019");
    expect(selectPlatform(entries, { os: "linux", architecture: "s390x" })).toBeUndefined();
  });

  it("formats and parses the containerd spelling os[(version)]/architecture[/variant]", () => {
    expect(formatPlatform({ os: "linux", architecture: "arm64", variant: "v8" })).toBe("linux/arm64/v8");
    expect(formatPlatform({ os: "windows", architecture: "amd64", "os.version": "10.0.17763.1040" })).toBe("windows(10.0.17763.1040)/amd64");
    expect(parsePlatform("linux/arm/v7")).toEqual({ os: "linux", architecture: "arm", variant: "v7" });
    expect(parsePlatform("windows(10.0.17763)/amd64")).toEqual({ os: "windows", architecture: "amd64", osVersion: "10.0.17763" });
    expect(parsePlatform(formatPlatform({ os: "linux", architecture: "riscv64" }))).toEqual({ os: "linux", architecture: "riscv64" });
    for (const bad of ["linux", "linux/", "/amd64", "linux/arm/v7/extra", "", "linux amd64"]) expect(() => parsePlatform(bad)).toThrow(RangeError);
  });

  it("refuses platforms without os or architecture, or with fields of the wrong type", () => {
    for (const bad of [null, "linux/amd64", {}, { os: "linux" }, { os: "linux", architecture: "" }, { os: "linux", architecture: "amd64", variant: 8 }, { os: "linux", architecture: "amd64", osFeatures: "x" }]) {
      expect(() => assertPlatformSelector(bad)).toThrow(TypeError);
    }
    expect(() => assertPlatformSelector({ os: "linux", architecture: "amd64", variant: "v2", osVersion: "1", osFeatures: ["a"] })).not.toThrow();
  });
});
