/** Version of this package: package.json's, which the generated client also takes (test/unit/core/version.spec.ts checks both). */
export const SDK_VERSION = "1.2.0-beta.1";

/** The only data-plane API version the generated layer speaks. */
export const LATEST_API_VERSION = "2021-07-01";

/** Entra ID scope used when no audience is configured: it is valid in every Azure cloud. */
export const DEFAULT_TOKEN_SCOPE = "https://containerregistry.azure.net/.default";
