import { assertDigest } from "../digest.js";
import type { Context, RouteParams } from "../http/context.js";
import { sendJson } from "../http/respond.js";
import { OCI_INDEX } from "../manifestFormat.js";
import { linkHeader, pageRequest, paginate } from "../paging.js";

/** Repositories a listing shows: `listEnabled: false` hides one, as on ACR. */
export function listedRepositories(ctx: Context): string[] {
  return [...ctx.registry.repositories.values()]
    .filter((repository) => repository.attributes.listEnabled)
    .map((repository) => repository.name)
    .sort();
}

/** One page of names in lexical order; without `n`, everything up to the cap, as distribution does. */
function sendNamePage(ctx: Context, path: string, names: string[], body: (page: string[]) => object): void {
  const request = pageRequest(ctx.query, ctx.settings.maxPageSize, ctx.settings.maxPageSize);
  const page = paginate(names, (item) => item, request, true);
  const headers: Record<string, string> = page.next
    ? { Link: linkHeader(path, [["last", page.next], ["n", String(request.n)]]) }
    : {};
  sendJson(ctx.res, 200, body(page.items), headers);
}

/** `GET /v2/_catalog?n=&last=`. */
export function handleCatalog(ctx: Context): void {
  sendNamePage(ctx, "/v2/_catalog", listedRepositories(ctx), (repositories) => ({ repositories }));
}

/** `GET /v2/<name>/tags/list?n=&last=`. */
export function handleTagsList(ctx: Context, { name }: RouteParams): void {
  const tags = [...ctx.registry.repository(name).tags.values()].filter((tag) => tag.attributes.listEnabled);
  sendNamePage(ctx, `/v2/${name}/tags/list`, tags.map((tag) => tag.name).sort(), (page) => ({ name, tags: page }));
}

/** `GET /v2/<name>/referrers/<digest>?artifactType=` (OCI 1.1): manifests whose `subject` is the digest. */
export function handleReferrers(ctx: Context, { name, reference }: RouteParams): void {
  const digest = assertDigest(reference);
  const artifactType = ctx.query.get("artifactType");
  const referrers = [...ctx.registry.repository(name).manifests.values()]
    .filter((manifest) => manifest.subject === digest && manifest.content)
    .filter((manifest) => artifactType === null || manifest.artifactType === artifactType)
    .map((manifest) => ({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.content!.length,
      ...(manifest.artifactType ? { artifactType: manifest.artifactType } : {}),
      ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
    }));
  const body = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: referrers };
  const data = Buffer.from(JSON.stringify(body));
  ctx.res.writeHead(200, {
    "Content-Type": OCI_INDEX,
    "Content-Length": data.length,
    ...(artifactType === null ? {} : { "OCI-Filters-Applied": "artifactType" }),
  });
  ctx.res.end(data);
}
