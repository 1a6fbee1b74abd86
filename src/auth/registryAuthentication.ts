import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import type { GeneratedClient } from "../generated/index.js";
import { AccessTokens } from "./accessTokens.js";
import { registryAuthenticationPolicy } from "./authenticationPolicy.js";
import { BasicAuthorization } from "./basicAuthorization.js";
import { BearerTokens } from "./bearerTokens.js";
import { DistributionTokenService, type SendTokenRequest } from "./distribution/distributionTokenService.js";
import type { ClientAuthentication } from "./registryCredential.js";
import { AcrTokenService } from "./tokenService.js";

export interface RegistryAuthenticationOptions {
  /** The registry's origin. */
  endpoint: string;
  authentication: ClientAuthentication;
  /** A generated client of the registry without the authentication policy, for ACR's `/oauth2` operations. */
  tokenClient: GeneratedClient;
  /** Sends a request to a token realm (the distribution flow), through a pipeline without credentials of its own. */
  sendRealmRequest: SendTokenRequest;
  /** Entra ID scope for ACR's exchange (the audience's `/.default`). */
  entraScope?: string;
}

/** The authentication policy of one client: its token flows, its one token cache and its Basic credentials. */
export function createAuthenticationPolicy(options: RegistryAuthenticationOptions): PipelinePolicy {
  const { endpoint, authentication, tokenClient } = options;
  const acr = new AcrTokenService(tokenClient, {
    credential: authentication.kind === "entra" ? authentication.credential : undefined,
    entraScope: options.entraScope,
  });
  const distribution = new DistributionTokenService(options.sendRealmRequest, endpoint);
  const bearer = new BearerTokens(authentication, new AccessTokens(), acr, distribution, endpoint);
  const basic = new BasicAuthorization(authentication.kind === "login" ? authentication.logins : undefined);
  return registryAuthenticationPolicy(endpoint, bearer, basic);
}
