import type { AccessToken, TokenCredential } from "@azure/core-auth";

/**
 * The token `/oauth2/exchange` accepts when no other is configured. It is not a secret: the
 * emulator is a local test double, and its documentation names this value.
 */
export const DEFAULT_DEV_TOKEN = "acr-emulator-dev-token";

/**
 * A `TokenCredential` standing in for Microsoft Entra ID: it always returns `devToken`, as a bearer
 * token that claims to expire an hour after each call.
 * @param devToken - The token to return, normally the emulator's `devToken`.
 */
export function devTokenCredential(devToken: string): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token: devToken, expiresOnTimestamp: Date.now() + 60 * 60 * 1000, tokenType: "Bearer" };
    },
  };
}
