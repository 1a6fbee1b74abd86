import { RegistryError } from "../errors.js";
import { readBody } from "../http/body.js";
import type { Context, RouteParams } from "../http/context.js";
import { sendEmpty, sendJson } from "../http/respond.js";
import {
  ATTRIBUTE_NAMES,
  type ChangeableAttributes,
  type ManifestRecord,
  type RepositoryRecord,
  type TagRecord,
} from "../model.js";
import { linkHeader, pageRequest, paginate } from "../paging.js";
import { listedRepositories } from "./listings.js";

/** ACR's page size when `n` is absent. */
const DEFAULT_PAGE_SIZE = 100;

function repositoryView(ctx: Context, repository: RepositoryRecord): object {
  return {
    registry: ctx.settings.serviceName,
    imageName: repository.name,
    createdTime: repository.createdTime,
    lastUpdateTime: repository.lastUpdateTime,
    manifestCount: repository.manifests.size,
    tagCount: repository.tags.size,
    changeableAttributes: { ...repository.attributes },
  };
}

function tagView(tag: TagRecord): object {
  return {
    name: tag.name,
    digest: tag.digest,
    createdTime: tag.createdTime,
    lastUpdateTime: tag.lastUpdateTime,
    signed: tag.signed,
    changeableAttributes: { ...tag.attributes },
  };
}

/** A manifest as ACR lists it; `references` only in the single-manifest view, as ACR does. */
function manifestView(ctx: Context, repository: RepositoryRecord, manifest: ManifestRecord, withReferences: boolean): object {
  const tags = ctx.registry.tagsOf(repository, manifest.digest);
  return {
    digest: manifest.digest,
    imageSize: manifest.imageSize,
    createdTime: manifest.createdTime,
    lastUpdateTime: manifest.lastUpdateTime,
    architecture: manifest.architecture,
    os: manifest.os,
    mediaType: manifest.mediaType,
    configMediaType: manifest.configMediaType,
    tags: tags.length > 0 ? tags : undefined,
    changeableAttributes: { ...manifest.attributes },
    references: withReferences ? manifest.references : undefined,
  };
}

/** Items in key order, or by last update with `orderby=timedesc|timeasc` (ties stay in key order). */
function ordered<T extends { lastUpdateTime: string }>(ctx: Context, items: T[], key: (item: T) => string): T[] {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const orderby = ctx.query.get("orderby");
  if (orderby === "timedesc") return sorted.sort((a, b) => b.lastUpdateTime.localeCompare(a.lastUpdateTime));
  if (orderby === "timeasc") return sorted.sort((a, b) => a.lastUpdateTime.localeCompare(b.lastUpdateTime));
  return sorted;
}

const tagName = (tag: TagRecord): string => tag.name;
const manifestDigest = (manifest: ManifestRecord): string => manifest.digest;

/** Sends one page; the `Link` keeps ACR's query order (`last`, `n`, `orderby`) and any filter. */
function sendPage<T>(
  ctx: Context,
  path: string,
  items: T[],
  key: (item: T) => string,
  body: (page: T[]) => object,
  filters: Array<[string, string]> = [],
): void {
  const orderby = ctx.query.get("orderby") ?? "";
  const request = pageRequest(ctx.query, Math.min(DEFAULT_PAGE_SIZE, ctx.settings.maxPageSize), ctx.settings.maxPageSize);
  const page = paginate(items, key, request, orderby !== "timedesc" && orderby !== "timeasc");
  const headers: Record<string, string> = page.next
    ? { Link: linkHeader(path, [["last", page.next], ["n", String(request.n)], ["orderby", orderby], ...filters]) }
    : {};
  sendJson(ctx.res, 200, body(page.items), headers);
}

/** Reads a PATCH body: the attribute flags, flat as the SDKs send them (or under `changeableAttributes`). */
async function attributePatch(ctx: Context, allowTeleport: boolean): Promise<Partial<ChangeableAttributes>> {
  let body: unknown;
  try {
    body = JSON.parse((await readBody(ctx.req, 64 * 1024)).toString("utf8"));
  } catch {
    throw new RegistryError(400, "BAD_REQUEST", "the request body must be a JSON object");
  }
  const source = (body as { changeableAttributes?: unknown })?.changeableAttributes ?? body;
  if (typeof source !== "object" || source === null) {
    throw new RegistryError(400, "BAD_REQUEST", "the request body must be a JSON object");
  }
  const patch: Partial<ChangeableAttributes> = {};
  for (const name of ATTRIBUTE_NAMES) {
    const value = (source as Record<string, unknown>)[name];
    if (value === undefined || (name === "teleportEnabled" && !allowTeleport)) continue;
    if (typeof value !== "boolean") throw new RegistryError(400, "BAD_REQUEST", `${name} must be a boolean`);
    patch[name] = value;
  }
  return patch;
}

/** `GET /acr/v1/_catalog`. */
export function handleAcrCatalog(ctx: Context): void {
  sendPage(ctx, "/acr/v1/_catalog", listedRepositories(ctx), (name) => name, (repositories) => ({ repositories }));
}

/** `GET|PATCH|DELETE /acr/v1/<name>`. */
export async function handleAcrRepository(ctx: Context, { name }: RouteParams): Promise<void> {
  const { registry } = ctx;
  if (ctx.req.method === "DELETE") {
    sendJson(ctx.res, 202, await registry.deleteRepository(name));
    return;
  }
  const repository = registry.repository(name);
  if (ctx.req.method === "PATCH") registry.updateAttributes(repository, await attributePatch(ctx, true));
  sendJson(ctx.res, 200, repositoryView(ctx, repository));
}

/** `GET /acr/v1/<name>/_tags?digest=&orderby=&n=&last=`. */
export function handleAcrTags(ctx: Context, { name }: RouteParams): void {
  const repository = ctx.registry.repository(name);
  const digest = ctx.query.get("digest");
  const tags = [...repository.tags.values()].filter((tag) => tag.attributes.listEnabled && (digest === null || tag.digest === digest));
  const body = (page: TagRecord[]): object => ({ registry: ctx.settings.serviceName, imageName: name, tags: page.map(tagView) });
  const filters: Array<[string, string]> = digest === null ? [] : [["digest", digest]];
  sendPage(ctx, `/acr/v1/${encodeURIComponent(name)}/_tags`, ordered(ctx, tags, tagName), tagName, body, filters);
}

/** `GET|PATCH|DELETE /acr/v1/<name>/_tags/<tag>`. */
export async function handleAcrTag(ctx: Context, { name, reference: tagName }: RouteParams): Promise<void> {
  const { registry } = ctx;
  if (ctx.req.method === "DELETE") {
    registry.deleteTag(name, tagName);
    sendEmpty(ctx.res, 202);
    return;
  }
  const tag = registry.tag(name, tagName);
  if (ctx.req.method === "PATCH") registry.updateAttributes(tag, await attributePatch(ctx, false));
  sendJson(ctx.res, 200, { registry: ctx.settings.serviceName, imageName: name, tag: tagView(tag) });
}

/** `GET /acr/v1/<name>/_manifests?orderby=&n=&last=`. */
export function handleAcrManifests(ctx: Context, { name }: RouteParams): void {
  const repository = ctx.registry.repository(name);
  const manifests = [...repository.manifests.values()].filter((manifest) => manifest.attributes.listEnabled);
  const body = (page: ManifestRecord[]): object => ({
    registry: ctx.settings.serviceName,
    imageName: name,
    manifests: page.map((manifest) => manifestView(ctx, repository, manifest, false)),
  });
  sendPage(ctx, `/acr/v1/${encodeURIComponent(name)}/_manifests`, ordered(ctx, manifests, manifestDigest), manifestDigest, body);
}

/** `GET|PATCH /acr/v1/<name>/_manifests/<digest>` (a tag is resolved too). */
export async function handleAcrManifest(ctx: Context, { name, reference }: RouteParams): Promise<void> {
  const { repository, manifest } = ctx.registry.resolve(name, reference);
  if (ctx.req.method === "PATCH") ctx.registry.updateAttributes(manifest, await attributePatch(ctx, false));
  sendJson(ctx.res, 200, {
    registry: ctx.settings.serviceName,
    imageName: name,
    manifest: manifestView(ctx, repository, manifest, true),
  });
}
