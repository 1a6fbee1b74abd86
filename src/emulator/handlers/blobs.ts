import { pipeline } from "node:stream/promises";
import { assertDigest } from "../digest.js";
import { blobUnknown, RegistryError } from "../errors.js";
import type { Context, RouteParams } from "../http/context.js";
import { downloadRange } from "../http/range.js";
import { sendEmpty } from "../http/respond.js";
import { assertAllowed } from "../registry.js";

/** Streams a blob (or a range of it); the registry adds its digest headers, storage does not. */
async function serveBlob(ctx: Context, digest: string, size: number, fromRegistry: boolean): Promise<void> {
  const range = downloadRange(ctx.req.headers.range, size);
  const headers: Record<string, string | number> = {
    "Content-Type": "application/octet-stream",
    ...(fromRegistry ? { "Docker-Content-Digest": digest, ETag: `"${digest}"` } : {}),
    "Accept-Ranges": "bytes",
    "Content-Length": range ? range.end - range.start + 1 : size,
  };
  if (range) headers["Content-Range"] = `bytes ${range.start}-${range.end}/${size}`;
  ctx.res.writeHead(range ? 206 : 200, headers);
  if (ctx.req.method === "HEAD" || size === 0) {
    ctx.res.end();
    return;
  }
  await pipeline(ctx.registry.blobs.read(digest, range), ctx.res);
}

/** `GET|HEAD|DELETE /v2/<name>/blobs/<digest>`. */
export async function handleBlob(ctx: Context, { name, reference }: RouteParams): Promise<void> {
  const digest = assertDigest(reference);
  const { registry } = ctx;
  if (!registry.hasBlob(name, digest)) throw blobUnknown();
  if (ctx.req.method === "DELETE") {
    await registry.unlinkBlob(name, digest);
    sendEmpty(ctx.res, 202, { "Docker-Content-Digest": digest });
    return;
  }
  assertAllowed([registry.repository(name)], "readEnabled");
  const size = await registry.blobs.size(digest);
  if (size === undefined) throw blobUnknown();
  // ACR answers a blob GET with a 307 to storage; HEAD is answered directly.
  if (ctx.settings.redirectBlobDownloads && ctx.req.method === "GET") {
    const location = `${ctx.settings.endpoint}${ctx.links.create(digest)}`;
    const html = `<a href="${location.replace(/&/g, "&amp;")}">Temporary Redirect</a>.\n\n`;
    ctx.res.writeHead(307, {
      Location: location,
      "Docker-Content-Digest": digest,
      "Content-Type": "text/html; charset=utf-8",
      "Content-Length": Buffer.byteLength(html),
    });
    ctx.res.end(html);
    return;
  }
  await serveBlob(ctx, digest, size, true);
}

/** The redirect target: a signed link, which like a SAS URL refuses an `Authorization` header. */
export async function handleStorage(ctx: Context, { reference: hex }: RouteParams): Promise<void> {
  const digest = `sha256:${hex}`;
  if (ctx.req.headers.authorization !== undefined) {
    throw new RegistryError(403, "AuthenticationFailed", "a signed storage link must not be sent with an Authorization header");
  }
  const size = await ctx.registry.blobs.size(digest);
  if (!ctx.links.isValid(digest, ctx.query) || size === undefined) {
    throw new RegistryError(403, "AuthenticationFailed", "the storage link is invalid or has expired");
  }
  await serveBlob(ctx, digest, size, false);
}
