import { assertDigest } from "../digest.js";
import { RegistryError } from "../errors.js";
import { hasBody } from "../http/body.js";
import { callerMay, type Context, type RouteParams } from "../http/context.js";
import { chunkRange } from "../http/range.js";
import { sendEmpty } from "../http/respond.js";
import { assertAllowed } from "../registry.js";
import type { UploadSession } from "../uploads.js";

/**
 * The session's URL, relative like ACR's, with distribution's `_state` query: it names the
 * session's progress for the client's benefit only; the emulator keeps the state itself.
 */
function sessionLocation(session: UploadSession): string {
  const state = Buffer.from(
    JSON.stringify({ Name: session.repository, UUID: session.id, Offset: session.offset, StartedAt: session.startedAt }),
  ).toString("base64url");
  return `/v2/${session.repository}/blobs/uploads/${session.id}?_nouploadcache=false&_state=${state}`;
}

function progressHeaders(session: UploadSession): Record<string, string> {
  return {
    Location: sessionLocation(session),
    "Docker-Upload-UUID": session.id,
    // Distribution's convention: `0-0` also before the first byte.
    Range: `0-${Math.max(0, session.offset - 1)}`,
  };
}

function created(ctx: Context, name: string, digest: string): void {
  sendEmpty(ctx.res, 201, { Location: `/v2/${name}/blobs/${digest}`, "Docker-Content-Digest": digest });
}

/** Appends the request body, enforcing `Content-Range` (which must start at the current offset). */
async function appendBody(ctx: Context, session: UploadSession): Promise<void> {
  const range = chunkRange(ctx.req.headers["content-range"]);
  if (range && range.start !== session.offset) {
    throw new RegistryError(416, "RANGE_INVALID", "invalid content range", { expectedStart: session.offset }, progressHeaders(session));
  }
  const declared = ctx.req.headers["content-length"];
  const expected = range ? range.end - range.start + 1 : declared !== undefined ? Number(declared) : undefined;
  await ctx.uploads.append(session, ctx.req, expected);
}

async function finish(ctx: Context, session: UploadSession, digest: string): Promise<void> {
  await ctx.uploads.complete(session, digest);
  ctx.registry.linkBlob(session.repository, digest);
  created(ctx, session.repository, digest);
}

/** `POST /v2/<name>/blobs/uploads/`: a session, a monolithic upload (`?digest=`) or a mount (`?mount=&from=`). */
export async function handleUploadStart(ctx: Context, { name }: RouteParams): Promise<void> {
  const { registry, query } = ctx;
  const existing = registry.repositories.get(name);
  if (existing) assertAllowed([existing], "writeEnabled");

  const mount = query.get("mount");
  const from = query.get("from");
  if (mount !== null && from !== null) {
    const digest = assertDigest(mount);
    // A source the token may not read is treated as absent (server.ts lets such a token through): a plain session follows.
    if (registry.hasBlob(from, digest) && callerMay(ctx, from, "pull")) {
      registry.linkBlob(name, digest);
      created(ctx, name, digest);
      return;
    }
  }

  const session = await ctx.uploads.start(name);
  const digest = query.get("digest");
  if (digest !== null) {
    try {
      assertDigest(digest);
      await appendBody(ctx, session);
      await finish(ctx, session, digest);
    } catch (error) {
      await ctx.uploads.cancel(session);
      throw error;
    }
    return;
  }
  sendEmpty(ctx.res, 202, progressHeaders(session));
}

/** `GET|PATCH|PUT|DELETE <location>`: status, chunk, completion, cancellation. */
export async function handleUploadSession(ctx: Context, { name, reference: id }: RouteParams): Promise<void> {
  const session = ctx.uploads.get(name, id);
  switch (ctx.req.method) {
    case "GET":
      // Where the session stands once a request still being stored (one its client gave up on) has ended.
      await ctx.uploads.settle(session);
      sendEmpty(ctx.res, 204, progressHeaders(session));
      return;
    case "PATCH":
      await appendBody(ctx, session);
      sendEmpty(ctx.res, 202, progressHeaders(session));
      return;
    case "PUT": {
      const digest = assertDigest(ctx.query.get("digest"));
      if (hasBody(ctx.req)) await appendBody(ctx, session);
      await finish(ctx, session, digest);
      return;
    }
    default:
      await ctx.uploads.cancel(session);
      sendEmpty(ctx.res, 204);
  }
}
