import type { RegistryResource } from "../../protocol/acrAccess.js";
import { handleAcrCatalog, handleAcrManifest, handleAcrManifests, handleAcrRepository, handleAcrTag, handleAcrTags } from "../handlers/acrMetadata.js";
import { handleBlob, handleStorage } from "../handlers/blobs.js";
import { handleCatalog, handleReferrers, handleTagsList } from "../handlers/listings.js";
import { handleManifest } from "../handlers/manifests.js";
import { handleExchange, handleIdentity, handleToken } from "../handlers/oauth.js";
import { handleUploadSession, handleUploadStart } from "../handlers/uploads.js";
import type { Context, RouteParams } from "./context.js";
import { sendJson } from "./respond.js";

/** `GET /v2/`: the API version check, an empty JSON object. */
const handleBase = (ctx: Context): void => sendJson(ctx.res, 200, {});

/** One endpoint: adding an endpoint is adding one of these to {@link ROUTES}. */
export interface Route {
  /** The endpoint's name, as the request log shows it (`manifest`, `upload`, `acrTags`...). */
  readonly kind: string;
  /** Tested against the decoded path; its groups `name` and `reference` become the route's params. */
  readonly pattern: RegExp;
  /** Other methods get 405 UNSUPPORTED. */
  readonly methods: readonly string[];
  /** What the path addresses, from which ACR's shared rule (protocol/acrAccess.ts) derives the access it needs. */
  readonly resource: (params: RouteParams) => RegistryResource;
  readonly handle: (ctx: Context, params: RouteParams) => void | Promise<void>;
}

const unprotected = (): RegistryResource => ({ kind: "public" });
const base = (): RegistryResource => ({ kind: "base" });
const catalog = (): RegistryResource => ({ kind: "catalog" });
const content = ({ name }: RouteParams): RegistryResource => ({ kind: "content", repository: name, uploads: false });
const uploads = ({ name }: RouteParams): RegistryResource => ({ kind: "content", repository: name, uploads: true });
const metadata = ({ name }: RouteParams): RegistryResource => ({ kind: "metadata", repository: name });

const NAME = "(?<name>.+)";
const REFERENCE = "(?<reference>[^/]+)";
/** The pattern of a path made of `parts` (literal segments or regular expressions), from its start to its end. */
const path = (...parts: string[]): RegExp => new RegExp(`^/${parts.join("/")}$`);
const STORED_BLOB = path("_storage", "docker", "registry", "v2", "blobs", "sha256", "[0-9a-f]{2}", "(?<reference>[0-9a-f]{64})", "data");

/** Every endpoint, tried in order: a more specific pattern comes before one that would also match. */
export const ROUTES: readonly Route[] = [
  { kind: "base", pattern: path("v2/?"), methods: ["GET", "HEAD"], resource: base, handle: handleBase },
  { kind: "catalog", pattern: path("v2", "_catalog"), methods: ["GET"], resource: catalog, handle: handleCatalog },
  { kind: "tags", pattern: path("v2", NAME, "tags", "list"), methods: ["GET"], resource: content, handle: handleTagsList },
  { kind: "manifest", pattern: path("v2", NAME, "manifests", REFERENCE), methods: ["GET", "HEAD", "PUT", "DELETE"], resource: content, handle: handleManifest },
  { kind: "uploads", pattern: path("v2", NAME, "blobs", "uploads/?"), methods: ["POST"], resource: uploads, handle: handleUploadStart },
  { kind: "upload", pattern: path("v2", NAME, "blobs", "uploads", REFERENCE), methods: ["GET", "PATCH", "PUT", "DELETE"], resource: uploads, handle: handleUploadSession },
  { kind: "blob", pattern: path("v2", NAME, "blobs", REFERENCE), methods: ["GET", "HEAD", "DELETE"], resource: content, handle: handleBlob },
  { kind: "referrers", pattern: path("v2", NAME, "referrers", REFERENCE), methods: ["GET"], resource: content, handle: handleReferrers },
  { kind: "acrCatalog", pattern: path("acr", "v1", "_catalog"), methods: ["GET"], resource: catalog, handle: handleAcrCatalog },
  { kind: "acrTag", pattern: path("acr", "v1", NAME, "_tags", REFERENCE), methods: ["GET", "PATCH", "DELETE"], resource: metadata, handle: handleAcrTag },
  { kind: "acrTags", pattern: path("acr", "v1", NAME, "_tags"), methods: ["GET"], resource: metadata, handle: handleAcrTags },
  { kind: "acrManifest", pattern: path("acr", "v1", NAME, "_manifests", REFERENCE), methods: ["GET", "PATCH"], resource: metadata, handle: handleAcrManifest },
  { kind: "acrManifests", pattern: path("acr", "v1", NAME, "_manifests"), methods: ["GET"], resource: metadata, handle: handleAcrManifests },
  { kind: "acrRepository", pattern: path("acr", "v1", NAME), methods: ["GET", "PATCH", "DELETE"], resource: metadata, handle: handleAcrRepository },
  { kind: "exchange", pattern: path("oauth2", "exchange"), methods: ["POST"], resource: unprotected, handle: handleExchange },
  { kind: "token", pattern: path("oauth2", "token"), methods: ["GET", "POST"], resource: unprotected, handle: handleToken },
  // A managed identity endpoint (App Service protocol) so that DefaultAzureCredential works offline.
  { kind: "identity", pattern: path("_identity", "token"), methods: ["GET"], resource: unprotected, handle: handleIdentity },
  // Where blob downloads are redirected to, shaped like ACR's storage URLs; the link's signature is its authorization.
  { kind: "storage", pattern: STORED_BLOB, methods: ["GET", "HEAD"], resource: unprotected, handle: handleStorage },
];
