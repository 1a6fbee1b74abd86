import { readBody } from "../http/body.js";
import type { Context } from "../http/context.js";
import { sendJson } from "../http/respond.js";

const FORM_LIMIT = 64 * 1024;

async function form(ctx: Context): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(ctx.req, FORM_LIMIT)).toString("utf8"));
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
