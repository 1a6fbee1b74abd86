import { AbortError } from "@azure/abort-controller";
import { RestError, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import net, { type OnReadOpts, type Socket } from "node:net";
import { text } from "node:stream/consumers";
import tls from "node:tls";
import { redactUrl } from "../../diagnostics/redaction.js";
import { clientError, KnownContainerRegistryErrorCode } from "../../errors/errorCodes.js";
import { FIELD_NAME, ResponseHeadReader, type ResponseHead } from "./responseHead.js";
import { ReadBuffers, StaticBufferBody } from "./staticBufferBody.js";

/** Headers this client writes itself; the request's own values for them are not sent. */
const OWN_HEADERS = new Set(["host", "connection", "accept-encoding", "content-length", "transfer-encoding"]);
/** What Node's http client accepts in a header value: no control characters but tab, so no CR or LF. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * An `HttpClient` for blob GETs that reads the response into two static buffers (`onread`)
 * instead of a fresh buffer per socket read, and hands the body over as a
 * {@link StaticBufferBody}: zero-copy to a sink, or as a Readable of copies for anything else.
 * The pipeline's policies run as with any client; this is only the last hop.
 *
 * One connection per request, closed after it (`Connection: close`): a download spends its time
 * in the body, not in handshakes. Bodyless GET and HEAD only. Requests it does not handle go to
 * `fallback`: those with a proxy or an agent (core's proxy policy sets an agent when `proxyOptions`
 * or `HTTPS_PROXY` / `HTTP_PROXY` apply to the URL, its agent policy when the client has one), and
 * responses not framed by `Content-Length` (`Transfer-Encoding: chunked`), which are asked again
 * from `fallback`: blob GETs are idempotent.
 */
export class StaticBufferHttpClient implements HttpClient {
  /** @param fallback - The client for what this one does not handle (see above). */
  constructor(private readonly fallback: HttpClient) {}

  /** Sends a bodyless GET or HEAD on a connection of its own (or through `fallback`), and resolves once the response head arrived. */
  // eslint-disable-next-line @azure/azure-sdk/ts-apisurface-supportcancellation -- core's HttpClient contract: the signal is request.abortSignal
  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    if (request.agent || request.proxySettings || request.requestOverrides) return this.fallback.sendRequest(request);
    if ((request.method !== "GET" && request.method !== "HEAD") || request.body || request.formData || request.multipartBody) {
      throw new Error(`StaticBufferHttpClient sends bodyless GET and HEAD requests only, not ${request.method} ${redactUrl(request.url)}`);
    }
    const url = new URL(request.url);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`Unsupported protocol in ${redactUrl(request.url)}`);
    // As core's Node client: plain http only for requests that allow it.
    if (url.protocol === "http:" && !request.allowInsecureConnection) {
      throw new Error(`Cannot connect to ${redactUrl(request.url)} while allowInsecureConnection is false.`);
    }
    if (request.abortSignal?.aborted) throw new AbortError("The operation was aborted. Request has already been canceled.");
    const { head, body } = await exchange(request, url, requestHead(request, url));
    if (body === undefined) return this.fallback.sendRequest(request);
    const response: PipelineResponse = { request, status: head.status, headers: head.headers };
    if (request.method === "HEAD") return response;
    const streams = request.streamResponseStatusCodes;
    if (streams?.has(head.status) || streams?.has(Number.POSITIVE_INFINITY)) response.readableStreamBody = body;
    else response.bodyAsText = await text(body);
    return response;
  }
}

/**
 * Sends the request on a new connection and resolves once the response head has arrived, with
 * the body still on the (paused) socket; `body` is undefined when the response is not framed by
 * `Content-Length` (the connection is then closed).
 */
function exchange(request: PipelineRequest, url: URL, requestHead: string): Promise<{ head: ResponseHead; body?: StaticBufferBody }> {
  return new Promise((resolve, reject) => {
    const buffers = new ReadBuffers();
    let reader = new ResponseHeadReader();
    let body: StaticBufferBody | undefined;
    const fail = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onHead = (bytes: Buffer): boolean => {
      const start = reader.push(bytes);
      if (start === -1) return true;
      const head = reader.head();
      // Interim answers (103 Early Hints): the final head follows.
      if (head.status < 200 && head.status !== 101) {
        reader = new ResponseHeadReader();
        return onRead(bytes.subarray(start));
      }
      cleanup();
      const length = bodyLength(request, head);
      if (length === undefined) {
        socket.destroy();
        resolve({ head });
        return false;
      }
      body = new StaticBufferBody(socket, length, buffers);
      resolve({ head, body });
      return body.receive(bytes.subarray(start));
    };
    const onRead = (bytes: Buffer): boolean => {
      if (body) return body.receive(bytes);
      try {
        return onHead(bytes);
      } catch (error) {
        fail(error as Error);
        return false;
      }
    };
    const socket = connect(request, url, { buffer: buffers.next, callback: (length, buffer) => onRead((buffer as Buffer).subarray(0, length)) });

    const onError = (error: Error & { code?: string }): void => {
      // As core's Node client: connection failures are RestErrors with the system error code, which its retry policy knows.
      fail(error instanceof AbortError ? error : new RestError(error.message, { code: error.code ?? RestError.REQUEST_SEND_ERROR, request }));
    };
    const onClose = (): void => fail(new RestError("The connection closed before the response arrived", { code: "ECONNRESET", request }));
    const onAbort = (): void => {
      socket.destroy(new AbortError("The operation was aborted."));
    };
    const timer =
      request.timeout > 0
        ? setTimeout(() => socket.destroy(new AbortError(`The request to ${redactUrl(request.url)} timed out after ${request.timeout} ms`)), request.timeout)
        : undefined;
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off("error", onError);
      socket.off("close", onClose);
    };
    socket.on("error", onError);
    socket.on("close", onClose);
    // Left in place for the body's lifetime: an abort then fails the body.
    request.abortSignal?.addEventListener("abort", onAbort, { once: true });
    socket.once("close", () => request.abortSignal?.removeEventListener("abort", onAbort));
    socket.write(requestHead, "latin1");
  });
}

/**
 * Opens the connection. Over TLS, the server is verified against the CAs of the request's
 * `tlsSettings` when it has some (core's Node client gives them to its agent), else Node's defaults.
 */
function connect(request: PipelineRequest, url: URL, onread: OnReadOpts): Socket {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (url.protocol === "http:") return net.connect({ host, port: Number(url.port || 80), onread });
  const { ca, cert, key, pfx, passphrase } = request.tlsSettings ?? {};
  const options: tls.ConnectionOptions & { onread: OnReadOpts } = {
    host,
    port: Number(url.port || 443),
    // SNI names a host, never an address.
    servername: net.isIP(host) ? undefined : host,
    ca,
    cert,
    key,
    pfx,
    passphrase,
    // rejectUnauthorized is left to Node's default, as core's client leaves it: the server is verified.
    onread,
  };
  return tls.connect(options);
}

/** The request line and headers. Header values are checked as Node's http client does: none may smuggle a line break. */
function requestHead(request: PipelineRequest, url: URL): string {
  const lines = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, "Connection: close", "Accept-Encoding: identity"];
  for (const [name, value] of Object.entries(request.headers.toJSON({ preserveCase: true }))) {
    if (OWN_HEADERS.has(name.toLowerCase())) continue;
    // The value is left out of the message: it may be a credential.
    if (!FIELD_NAME.test(name) || INVALID_VALUE.test(value)) throw new TypeError(`Invalid character in header "${name}"`);
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/**
 * Length of the body a head announces: 0 for a HEAD request or a status without a body,
 * undefined when `Content-Length` does not frame it (chunked, or delimited by the connection's end).
 */
function bodyLength(request: PipelineRequest, head: ResponseHead): number | undefined {
  if (request.method === "HEAD" || head.status === 204 || head.status === 304) return 0;
  if (head.headers.has("transfer-encoding")) return undefined;
  const values = head.headers.get("content-length")?.split(",").map((value) => value.trim());
  if (values === undefined) return undefined;
  // Repeated values must agree (RFC 9112, 6.3): anything else could be a smuggled second response.
  if (!values.every((value) => /^\d+$/.test(value) && value === values[0]) || !Number.isSafeInteger(Number(values[0]))) {
    throw clientError(KnownContainerRegistryErrorCode.InvalidContentLength, `Invalid Content-Length in the response: ${values.join(", ").slice(0, 200)}`, { request });
  }
  return Number(values[0]);
}
