import type { TokenCredential } from "@azure/core-auth";
import type { InternalClientPipelineOptions } from "@azure/core-client";
import { formDataPolicyName } from "@azure/core-rest-pipeline";
import { GeneratedClient, type GeneratedClientOptionalParams } from "./generated/index.js";
import { acrAuthenticationPolicy } from "./auth/authenticationPolicy.js";
import { formBodyPolicy } from "./auth/formBodyPolicy.js";
import { AcrTokenService } from "./auth/tokenService.js";
import type { ContainerRegistryClientOptions } from "./clientOptions.js";
import { LATEST_API_VERSION } from "./constants.js";
import { assertCredentialTransport, normalizeEndpoint } from "./utils/endpoint.js";
import { httpLogger, SAFE_QUERY_PARAMETERS } from "./utils/sanitize.js";

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
  /** Generated client whose pipeline authenticates with ACR tokens. */
  client: GeneratedClient;
  tokens: AcrTokenService;
}

/**
 * Builds the generated client for a registry with the package's pipeline: the user's options,
 * safe logging allow-lists and the ACR authentication policy. Token requests go through a second
 * generated client with the same options (and `httpClient`) but no authentication policy.
 */
export function connectToRegistry(
  endpoint: string,
  credential: TokenCredential | undefined,
  options: ContainerRegistryClientOptions = {},
): RegistryConnection {
  const origin = normalizeEndpoint(endpoint);
  if (credential !== undefined && typeof credential?.getToken !== "function") {
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
  const tokenClient = new GeneratedClient(origin, apiVersion, clientOptions);
  tokenClient.pipeline.removePolicy({ name: formDataPolicyName });
  tokenClient.pipeline.addPolicy(formBodyPolicy(), { phase: "Serialize" });
  const tokens = new AcrTokenService(tokenClient, {
    credential,
    entraScope: audience ? `${audience.replace(/\/+$/, "")}/.default` : undefined,
  });
  const client = new GeneratedClient(origin, apiVersion, clientOptions);
  // No registry operation sends a form; see formBodyPolicy for why core's form policy is left out.
  client.pipeline.removePolicy({ name: formDataPolicyName });
  client.pipeline.addPolicy(acrAuthenticationPolicy(origin, tokens), { phase: "Sign" });
  if (origin.startsWith("http:")) {
    // Raw requests (blob streams, the OCI catalog) do not inherit the option from the operation layer.
    client.pipeline.addPolicy({
      name: "allowPlainHttpRegistryPolicy",
      sendRequest: (request, next) => {
        if (new URL(request.url).origin === origin) request.allowInsecureConnection = true;
        return next(request);
      },
    });
  }
  return { endpoint: origin, client, tokens };
}
