/**
 * No image of an index (or the one image a manifest describes) is built for the platform asked
 * for. `availablePlatforms` says which platforms there are, spelled as `formatPlatform` spells them
 * (`linux/arm64/v8`): any of them can be passed to `parsePlatform` and asked for instead.
 */
export class NoMatchingPlatformError extends Error {
  /** The platform asked for, e.g. `linux/riscv64`. */
  readonly requestedPlatform: string;
  /** The platforms the index offers, in its order; empty when the content has no platform at all. */
  readonly availablePlatforms: readonly string[];
  /** The index (or manifest) that was searched. */
  readonly digest: string;

  constructor(requestedPlatform: string, availablePlatforms: readonly string[], digest: string) {
    const offered = availablePlatforms.length > 0 ? `available: ${availablePlatforms.join(", ")}` : "it names no platform";
    super(`No manifest of ${digest} matches platform ${requestedPlatform} (${offered})`);
    this.name = "NoMatchingPlatformError";
    this.requestedPlatform = requestedPlatform;
    this.availablePlatforms = availablePlatforms;
    this.digest = digest;
  }
}
