import { isSha256Digest } from "../../protocol/grammar.js";
import { manifestUnknown } from "../errors.js";
import { acceptValues, readBody } from "../http/body.js";
import type { Context, RouteParams } from "../http/context.js";
import { sendEmpty } from "../http/respond.js";
import { acceptable, MAX_MANIFEST_BYTES, OCI_INDEX } from "../manifestFormat.js";
import { assertAllowed } from "../registry.js";

async function getManifest(ctx: Context, name: string, reference: string): Promise<void> {
  const { repository, manifest, tag } = ctx.registry.resolve(name, reference);
  assertAllowed([repository, manifest, tag], "readEnabled");
  if (!manifest.content) throw manifestUnknown("manifest imported as metadata only: its content is unknown");
  if (!acceptable(manifest.mediaType, acceptValues(ctx.req))) {
    // Distribution 2.8's words, for the same situation.
    throw manifestUnknown(
      manifest.mediaType === OCI_INDEX
        ? "OCI index found, but accept header does not support OCI indexes"
        : "OCI manifest found, but accept header does not support OCI manifests",
    );
  }
  ctx.res.writeHead(200, {
    "Content-Type": manifest.mediaType,
    "Content-Length": manifest.content.length,
    "Docker-Content-Digest": manifest.digest,
    ETag: `"${manifest.digest}"`,
  });
  ctx.res.end(manifest.content);
}

/** `GET|HEAD|PUT|DELETE /v2/<name>/manifests/<tag or digest>`. */
export async function handleManifest(ctx: Context, { name, reference }: RouteParams): Promise<void> {
  const { registry } = ctx;
  switch (ctx.req.method) {
    case "PUT": {
      const content = await readBody(ctx.req, MAX_MANIFEST_BYTES);
      const digest = await registry.putManifest(name, reference, content, ctx.req.headers["content-type"]);
      const subject = registry.manifest(name, digest).subject;
      sendEmpty(ctx.res, 201, {
        Location: `/v2/${name}/manifests/${digest}`,
        "Docker-Content-Digest": digest,
        ...(subject ? { "OCI-Subject": subject } : {}),
      });
      return;
    }
    case "DELETE":
      // By digest the manifest goes (with its tags); by tag only the tag, as OCI 1.1 allows.
      if (isSha256Digest(reference)) await registry.deleteManifest(name, reference);
      else registry.deleteTag(name, reference);
      sendEmpty(ctx.res, 202);
      return;
    default:
      await getManifest(ctx, name, reference);
  }
}
