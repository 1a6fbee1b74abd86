// Which image of a multi-platform index runs on a platform: the normalisation and matching rules of
// containerd's `platforms` package (the ones docker, buildkit and nerdctl apply), with oras' rule
// that an absent os.version or os.features of the request does not constrain the match.

/** The platform an image in an index (or a Docker manifest list) runs on, as the OCI `platform` field writes it. */
export interface OciPlatform {
  /** CPU architecture, e.g. `amd64`, `arm64`. */
  architecture: string;
  /** Operating system, e.g. `linux`, `windows`. */
  os: string;
  /** Operating system version, e.g. `10.0.17763.1040` for Windows. */
  "os.version"?: string;
  /** Required operating system features, e.g. `win32k`. */
  "os.features"?: string[];
  /** CPU variant, e.g. `v8` for arm64. */
  variant?: string;
  /** Reserved by the OCI spec. */
  features?: string[];
}

/**
 * The platform to select from an index, e.g. `{ os: "linux", architecture: "arm64" }`.
 * Aliases are understood (`x86_64` is `amd64`, `aarch64` is `arm64`, `macos` is `darwin`), and
 * variants default as containerd defaults them (`arm64` is `arm64/v8`, `arm` is `arm/v7`).
 */
export interface PlatformSelector {
  /** Operating system, e.g. `linux`, `windows`. */
  os: string;
  /** CPU architecture, e.g. `amd64`, `arm64`. */
  architecture: string;
  /** CPU variant, e.g. `v8`; absent means the architecture's default variant. */
  variant?: string;
  /**
   * Operating system version; an image matches when its `os.version` is this version or starts
   * with it followed by a dot (`10.0.17763` matches `10.0.17763.1040`). Absent: any version.
   */
  osVersion?: string;
  /** Operating system features the image must list (in its `os.features`). Absent: no constraint. */
  osFeatures?: string[];
}

interface Normalized {
  os: string;
  architecture: string;
  variant?: string;
}

function normalizedVariant(architecture: string, variant: string | undefined): string | undefined {
  switch (architecture) {
    case "arm64":
      if (variant === undefined || variant === "8" || variant === "v8.0") return "v8";
      return variant === "9" || variant === "v9.0" ? "v9" : variant;
    case "arm":
      if (variant === undefined || variant === "7") return "v7";
      return variant === "5" || variant === "6" || variant === "8" ? `v${variant}` : variant;
    case "amd64":
      return variant === "v1" ? undefined : variant;
    default:
      return variant;
  }
}

const ARCHITECTURE_ALIASES: Record<string, { architecture: string; variant?: string }> = {
  "x86_64": { architecture: "amd64" },
  "x86-64": { architecture: "amd64" },
  aarch64: { architecture: "arm64" },
  i386: { architecture: "386" },
  armhf: { architecture: "arm", variant: "v7" },
  armel: { architecture: "arm", variant: "v6" },
};

/** One spelling per platform: lowercase, aliases resolved, default variants filled in. */
function normalize(os: string, architecture: string, variant: string | undefined): Normalized {
  const lowerOs = os.toLowerCase();
  const lowerArchitecture = architecture.toLowerCase();
  const alias = ARCHITECTURE_ALIASES[lowerArchitecture];
  const givenVariant = variant === undefined || variant === "" ? undefined : variant.toLowerCase();
  const arch = alias?.architecture ?? lowerArchitecture;
  return {
    os: lowerOs === "macos" ? "darwin" : lowerOs,
    architecture: arch,
    variant: normalizedVariant(arch, alias?.variant ?? (lowerArchitecture === "i386" ? undefined : givenVariant)),
  };
}

function osVersionMatches(wanted: string | undefined, actual: string | undefined): boolean {
  if (wanted === undefined || wanted === "" || actual === undefined || actual === "") return true;
  return actual === wanted || actual.startsWith(`${wanted}.`);
}

/** Whether an image of platform `candidate` runs on the `wanted` platform (see {@link PlatformSelector}). */
export function platformMatches(candidate: OciPlatform, wanted: PlatformSelector): boolean {
  const have = normalize(candidate.os, candidate.architecture, candidate.variant);
  const want = normalize(wanted.os, wanted.architecture, wanted.variant);
  if (have.os !== want.os || have.architecture !== want.architecture || have.variant !== want.variant) return false;
  if (!osVersionMatches(wanted.osVersion, candidate["os.version"])) return false;
  const features = candidate["os.features"] ?? [];
  return (wanted.osFeatures ?? []).every((feature) => features.includes(feature));
}

/** What {@link selectPlatform} chooses among: anything with an optional `platform`, such as an index's descriptors. */
export interface PlatformEntry {
  /** The platform the entry is for; entries without one never match. */
  platform?: OciPlatform;
}

/**
 * The entry of an index whose platform matches, or undefined. Among several matches the one whose
 * `os.version` equals the wanted one exactly wins, then the first in the index's order (the order
 * of preference its author chose).
 */
export function selectPlatform<T extends PlatformEntry>(entries: readonly T[], wanted: PlatformSelector): T | undefined {
  const matches = entries.filter((entry) => entry.platform !== undefined && platformMatches(entry.platform, wanted));
  const exact = wanted.osVersion === undefined ? undefined : matches.find((entry) => entry.platform!["os.version"] === wanted.osVersion);
  return exact ?? matches[0];
}

/**
 * The containerd spelling of a platform: `os[(osVersion)]/architecture[/variant]`, e.g.
 * `linux/arm64/v8` or `windows(10.0.17763.1040)/amd64`.
 */
export function formatPlatform(platform: OciPlatform | PlatformSelector): string {
  const osVersion = "osVersion" in platform ? platform.osVersion : (platform as OciPlatform)["os.version"];
  const os = osVersion ? `${platform.os}(${osVersion})` : platform.os;
  return [os, platform.architecture, platform.variant].filter((part) => part).join("/");
}

const PLATFORM_SYNTAX = /^([^/()\s]+)(?:\(([^()\s]+)\))?\/([^/\s]+)(?:\/([^/\s]+))?$/;

/**
 * Parses `os[(osVersion)]/architecture[/variant]`, e.g. `linux/arm64`, `linux/arm/v7`,
 * `windows(10.0.17763)/amd64` (the syntax of docker's and containerd's `--platform`).
 * @throws RangeError when the text does not have that shape.
 */
export function parsePlatform(text: string): PlatformSelector {
  const match = typeof text === "string" ? PLATFORM_SYNTAX.exec(text.trim()) : null;
  if (!match) {
    throw new RangeError(`"${String(text)}" is not a platform: expected os/architecture[/variant], e.g. linux/arm64 or linux/arm/v7`);
  }
  const [, os, osVersion, architecture, variant] = match;
  return { os: os!, architecture: architecture!, ...(variant && { variant }), ...(osVersion && { osVersion }) };
}

/** Checks a caller's platform before anything is sent. */
export function assertPlatformSelector(value: unknown, parameter = "platform"): asserts value is PlatformSelector {
  const platform = value as Partial<Record<keyof PlatformSelector, unknown>> | null;
  if (typeof platform !== "object" || platform === null) throw new TypeError(`${parameter} must be an object such as { os: "linux", architecture: "arm64" }`);
  for (const field of ["os", "architecture"] as const) {
    if (typeof platform[field] !== "string" || platform[field] === "") throw new TypeError(`${parameter}.${field} must be a non-empty string`);
  }
  for (const field of ["variant", "osVersion"] as const) {
    if (platform[field] !== undefined && typeof platform[field] !== "string") throw new TypeError(`${parameter}.${field} must be a string`);
  }
  const features = platform.osFeatures;
  if (features !== undefined && !(Array.isArray(features) && features.every((feature) => typeof feature === "string"))) {
    throw new TypeError(`${parameter}.osFeatures must be an array of strings`);
  }
}
