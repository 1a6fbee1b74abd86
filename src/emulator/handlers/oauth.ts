import { readBody } from "../http/body.js";
import type { Context } from "../http/context.js";
import { RegistryError } from "../errors.js";
import { sendJson } from "../http/respond.js";

const FORM_LIMIT = 64 * 1024;

async function form(ctx: Context): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(ctx.req, FORM_LIMIT)).toString("utf8"));
}

/**
 * `GET /_identity/token?resource=...&api-version=2019-08-01` with `X-IDENTITY-HEADER`: the App Service
 * managed identity protocol. With `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` pointing here,
 * `DefaultAzureCredential` obtains the dev token, so code written for a real registry runs unchanged.
 */
export function handleIdentity(ctx: Context): void {
  if (ctx.req.headers["x-identity-header"] !== ctx.settings.identityHeader) {
    throw new RegistryError(401, "UNAUTHORIZED", "missing or wrong X-IDENTITY-HEADER");
  }
  sendJson(ctx.res, 200, {
    access_token: ctx.tokens.devToken,
    expires_on: String(Math.floor(Date.now() / 1000) + 3600),
    resource: ctx.query.get("resource") ?? "",
    token_type: "Bearer",
  });
}

/** `POST /oauth2/exchange`. */
export async function handleExchange(ctx: Context): Promise<void> {
  sendJson(ctx.res, 200, ctx.tokens.exchange(await form(ctx)));
}

/** `POST /oauth2/token` (form) or `GET /oauth2/token?service=&scope=` (Docker clients, Basic credentials). */
export async function handleToken(ctx: Context): Promise<void> {
  const body =
    ctx.req.method === "GET"
      ? ctx.tokens.tokenForBasic(ctx.query, ctx.req.headers.authorization)
      : ctx.tokens.token(await form(ctx));
  sendJson(ctx.res, 200, body);
}
