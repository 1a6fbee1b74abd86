import type { UserAgentPolicyOptions } from "@azure/core-rest-pipeline";
import { SDK_VERSION } from "../constants.js";

/** This package in a user agent, as the generated client writes it: `azsdk-js-container-registry/<version>`. */
export const PACKAGE_USER_AGENT = `azsdk-js-container-registry/${SDK_VERSION}`;

/** User agent options for pipelines built by hand: the caller's prefix, then this package. */
export function userAgentOptions(options: { userAgentOptions?: UserAgentPolicyOptions }): UserAgentPolicyOptions {
  const prefix = options.userAgentOptions?.userAgentPrefix;
  return { userAgentPrefix: prefix ? `${prefix} ${PACKAGE_USER_AGENT}` : PACKAGE_USER_AGENT };
}
