import type { TokenCredential } from "@azure/core-auth";
import { isTokenCredential } from "@azure/core-auth";
import type { InternalClientPipelineOptions } from "@azure/core-client";
import { formDataPolicyName, redirectPolicyName } from "@azure/core-rest-pipeline";
import { GeneratedClient, type GeneratedClientOptionalParams } from "../generated/index.js";
import { acrAuthenticationPolicy } from "../auth/authenticationPolicy.js";
import { assertCredentialTransport } from "../auth/credentialTransport.js";
import { formBodyPolicy } from "../auth/formBodyPolicy.js";
import { AcrTokenService } from "../auth/tokenService.js";
import { LATEST_API_VERSION } from "../constants.js";
import { httpLogger, SAFE_QUERY_PARAMETERS } from "../diagnostics/redaction.js";
import { registryErrorPolicy } from "../errors/registryErrorPolicy.js";
import type { ContainerRegistryClientOptions } from "./clientOptions.js";
import { normalizeEndpoint } from "./endpoint.js";
import { plainHttpPolicy } from "./plainHttpPolicy.js";
import { redirectLoopPolicy } from "./redirectLoopPolicy.js";

/** Response headers that carry no secret and help diagnose registry calls in logs. */
const SAFE_HEADERS = [
  "Docker-Content-Digest",
  "Docker-Distribution-Api-Version",
  "Docker-Upload-UUID",
  "OCI-Chunk-Min-Length",
  "Range",
  "Content-Range",
  "Link",
  "WWW-Authenticate",
  "X-Ms-Correlation-Request-Id",
  "x-ms-ratelimit-remaining-calls-per-second",
];

/** Everything a client of this package needs to talk to one registry. */
export interface RegistryConnection {
  /** Normalised registry origin, e.g. `https://myregistry.azurecr.io`. */
  endpoint: string;
  /** Generated client whose pipeline authenticates with registry tokens and maps registry errors. */
  client: GeneratedClient;
  tokens: AcrTokenService;
}

/** Splits the `(credential?, options?)` or `(options?)` arguments every client constructor takes. */
export function credentialAndOptions<Options extends object>(
  credentialOrOptions: TokenCredential | Options | undefined,
  options: Options | undefined,
): { credential?: TokenCredential; options: Options } {
  if (isTokenCredential(credentialOrOptions)) return { credential: credentialOrOptions, options: options ?? ({} as Options) };
  return { options: (credentialOrOptions as Options | undefined) ?? options ?? ({} as Options) };
}

/**
 * Builds the generated client for a registry with the package's pipeline: the user's options,
 * safe logging allow-lists, the registry error mapping and the authentication policy. Token
 * requests go through a second generated client with the same options (and `httpClient`) but no
 * authentication policy.
 */
export function connectToRegistry(
  endpoint: string,
  credential: TokenCredential | undefined,
  options: ContainerRegistryClientOptions = {},
): RegistryConnection {
  const origin = normalizeEndpoint(endpoint);
  if (credential !== undefined && !isTokenCredential(credential)) {
    throw new TypeError("credential must be a TokenCredential (an object with getToken), or undefined for anonymous access");
  }
  assertCredentialTransport(origin, credential !== undefined);
  const { audience, serviceVersion, ...commonOptions } = options;
  if (serviceVersion !== undefined && serviceVersion !== LATEST_API_VERSION) {
    throw new RangeError(`serviceVersion "${serviceVersion}" is not supported; use "${LATEST_API_VERSION}"`);
  }
  const clientOptions: GeneratedClientOptionalParams & InternalClientPipelineOptions = {
    ...commonOptions,
    // Plain http is the user's explicit choice of endpoint, already vetted for credentials above.
    allowInsecureConnection: origin.startsWith("http:") || commonOptions.allowInsecureConnection,
    loggingOptions: {
      logger: httpLogger,
      additionalAllowedHeaderNames: SAFE_HEADERS,
      additionalAllowedQueryParameters: [...SAFE_QUERY_PARAMETERS],
    },
  };
  const apiVersion = serviceVersion ?? LATEST_API_VERSION;
  const tokenClient = createGeneratedClient(origin, apiVersion, clientOptions);
  const tokens = new AcrTokenService(tokenClient, {
    credential,
    entraScope: audience ? `${audience.replace(/\/+$/, "")}/.default` : undefined,
  });
  const client = createGeneratedClient(origin, apiVersion, clientOptions);
  client.pipeline.addPolicy(acrAuthenticationPolicy(origin, tokens), { phase: "Sign" });
  return { endpoint: origin, client, tokens };
}

/**
 * The generated client with the policies every registry pipeline shares: registry error mapping,
 * redirect loops stopped at their first repeated URL, plain http for a loopback registry on http, and our form encoder instead of core's (see
 * auth/formBodyPolicy.ts for why core's form policy is left out).
 */
function createGeneratedClient(origin: string, apiVersion: string, options: GeneratedClientOptionalParams): GeneratedClient {
  const client = new GeneratedClient(origin, apiVersion, options);
  client.pipeline.removePolicy({ name: formDataPolicyName });
  client.pipeline.addPolicy(formBodyPolicy(), { phase: "Serialize" });
  client.pipeline.addPolicy(registryErrorPolicy());
  client.pipeline.addPolicy(redirectLoopPolicy(), { afterPolicies: [redirectPolicyName] });
  if (origin.startsWith("http:")) client.pipeline.addPolicy(plainHttpPolicy(origin));
  return client;
}
