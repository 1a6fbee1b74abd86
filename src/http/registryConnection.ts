import type { InternalClientPipelineOptions } from "@azure/core-client";
import { createDefaultHttpClient, formDataPolicyName, redirectPolicyName } from "@azure/core-rest-pipeline";
import { GeneratedClient, type GeneratedClientOptionalParams } from "../generated/index.js";
import { assertCredentialTransport } from "../auth/credentialTransport.js";
import { formBodyPolicy } from "../auth/formBodyPolicy.js";
import { createAuthenticationPolicy } from "../auth/registryAuthentication.js";
import { clientAuthentication, invalidCredentialError, isRegistryCredential, looksLikeCredential, type RegistryCredential } from "../auth/registryCredential.js";
import { LATEST_API_VERSION } from "../constants.js";
import { httpLogger, SAFE_QUERY_PARAMETERS } from "../diagnostics/redaction.js";
import { acrApiSupportPolicy } from "../errors/acrApiSupportPolicy.js";
import { registryErrorPolicy } from "../errors/registryErrorPolicy.js";
import type { ContainerRegistryClientOptions } from "./clientOptions.js";
import { createBarePipeline } from "./barePipeline.js";
import { endpointHost, normalizeEndpoint } from "./endpoint.js";
import { plainHttpPolicy } from "./plainHttpPolicy.js";
import { redirectLoopPolicy } from "./redirectLoopPolicy.js";

export type { RegistryCredential } from "../auth/registryCredential.js";

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
}

/**
 * Splits the `(credential?, options?)` or `(options?)` arguments every client constructor takes. A
 * value with a credential's members that is not a valid credential is refused rather than read as
 * options (the client would silently go anonymous).
 */
export function credentialAndOptions<Options extends object>(
  credentialOrOptions: RegistryCredential | Options | undefined,
  options: Options | undefined,
): { credential?: RegistryCredential; options: Options } {
  if (isRegistryCredential(credentialOrOptions)) return { credential: credentialOrOptions, options: options ?? ({} as Options) };
  if (looksLikeCredential(credentialOrOptions)) throw invalidCredentialError();
  return { options: (credentialOrOptions as Options | undefined) ?? options ?? ({} as Options) };
}

/**
 * Builds the generated client for a registry with the package's pipeline: the user's options,
 * safe logging allow-lists, the registry error mapping and the authentication policy. ACR's token
 * requests go through a second generated client with the same options (and `httpClient`) but no
 * authentication policy; requests to a token realm through a bare pipeline (http/barePipeline.ts).
 */
export function connectToRegistry(
  endpoint: string,
  credential: RegistryCredential | undefined,
  options: ContainerRegistryClientOptions = {},
): RegistryConnection {
  const origin = normalizeEndpoint(endpoint);
  const authentication = clientAuthentication(credential, endpointHost(origin));
  assertCredentialTransport(origin, authentication.kind !== "anonymous");
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
  // Realm requests may go to another host (Docker Hub's auth.docker.io): none of the client's or
  // its user's policies, and no same-origin-only redirect is followed (core's default).
  const realmPipeline = createBarePipeline(commonOptions, { allowCrossOriginRedirects: false });
  const realmHttpClient = commonOptions.httpClient ?? createDefaultHttpClient();
  const authenticationPolicy = createAuthenticationPolicy({
    endpoint: origin,
    authentication,
    tokenClient: createGeneratedClient(origin, apiVersion, clientOptions),
    sendRealmRequest: (request) => realmPipeline.sendRequest(realmHttpClient, request),
    entraScope: audience ? `${audience.replace(/\/+$/, "")}/.default` : undefined,
  });
  const client = createGeneratedClient(origin, apiVersion, clientOptions);
  client.pipeline.addPolicy(authenticationPolicy, { phase: "Sign" });
  return { endpoint: origin, client };
}

/**
 * The generated client with the policies every registry pipeline shares: registry error mapping,
 * the typed error of registries without ACR's metadata API, redirect loops stopped at their first
 * repeated URL, plain http for a loopback registry on http, and our form encoder instead of core's (see
 * auth/formBodyPolicy.ts for why core's form policy is left out).
 */
function createGeneratedClient(origin: string, apiVersion: string, options: GeneratedClientOptionalParams): GeneratedClient {
  const client = new GeneratedClient(origin, apiVersion, options);
  client.pipeline.removePolicy({ name: formDataPolicyName });
  client.pipeline.addPolicy(formBodyPolicy(), { phase: "Serialize" });
  client.pipeline.addPolicy(registryErrorPolicy());
  // Inside core-client's deserialization, which would otherwise take a "page not found" for a result.
  client.pipeline.addPolicy(acrApiSupportPolicy(), { afterPhase: "Deserialize" });
  client.pipeline.addPolicy(redirectLoopPolicy(), { afterPolicies: [redirectPolicyName] });
  if (origin.startsWith("http:")) client.pipeline.addPolicy(plainHttpPolicy(origin));
  return client;
}
