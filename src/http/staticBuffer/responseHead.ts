import { createHttpHeaders, type HttpHeaders } from "@azure/core-rest-pipeline";
import { clientError, KnownContainerRegistryErrorCode } from "../../errors/errorCodes.js";

/** A response head larger than this is refused: a registry's is a few hundred bytes. */
export const MAX_HEAD_BYTES = 64 * 1024;

const END_OF_HEAD = Buffer.from("\r\n\r\n");
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/;
/** An HTTP field name (a token, RFC 9110 5.1). */
export const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The status line and header fields of an HTTP/1.1 response. */
export interface ResponseHead {
  status: number;
  headers: HttpHeaders;
}

/**
 * Collects the head of an HTTP/1.1 response from the reads of a socket, which may split it
 * anywhere, and parses it once its blank line has arrived. Bytes are copied only until then:
 * the head is small, the body is not touched.
 */
export class ResponseHeadReader {
  private collected = Buffer.alloc(0);

  /**
   * Takes the next bytes read from the socket. Returns where the body starts in `bytes` once the
   * head is complete, or -1 when more bytes are needed.
   * @throws RestError `ResponseHeadTooLarge` when the head grows past {@link MAX_HEAD_BYTES} without ending.
   */
  push(bytes: Buffer): number {
    const previous = this.collected.length;
    this.collected = Buffer.concat([this.collected, bytes.subarray(0, MAX_HEAD_BYTES + END_OF_HEAD.length - previous)]);
    // The blank line may straddle the previous read and this one.
    const end = this.collected.indexOf(END_OF_HEAD, Math.max(0, previous - END_OF_HEAD.length + 1));
    if (end === -1) {
      if (this.collected.length > MAX_HEAD_BYTES) {
        throw clientError(KnownContainerRegistryErrorCode.ResponseHeadTooLarge, `The response head is larger than ${MAX_HEAD_BYTES} bytes`);
      }
      return -1;
    }
    this.collected = this.collected.subarray(0, end);
    return end + END_OF_HEAD.length - previous;
  }

  /** The parsed head; only once {@link ResponseHeadReader.push} has found its end. */
  head(): ResponseHead {
    return parseResponseHead(this.collected.toString("latin1"));
  }
}

function malformed(message: string) {
  return clientError(KnownContainerRegistryErrorCode.InvalidResponseHead, message);
}

/**
 * Parses a response head (without its final blank line). A field that appears more than once is
 * combined into one comma-separated value (RFC 9110, 5.3), except `Set-Cookie`, whose first value
 * is kept as core's Node client does. Obsolete line folding is replaced by a space (RFC 9112, 5.2).
 */
export function parseResponseHead(text: string): ResponseHead {
  const [statusLine = "", ...lines] = text.split("\r\n");
  const status = STATUS_LINE.exec(statusLine);
  if (!status) throw malformed(`Not an HTTP/1.1 status line: ${JSON.stringify(statusLine.slice(0, 100))}`);
  const fields: Array<[string, string]> = [];
  for (const line of lines) {
    const last = fields.at(-1);
    if ((line.startsWith(" ") || line.startsWith("\t")) && last) {
      last[1] = `${last[1]} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    if (colon <= 0 || !FIELD_NAME.test(name)) throw malformed(`Malformed response header line: ${JSON.stringify(line.slice(0, 100))}`);
    fields.push([name, line.slice(colon + 1).trim()]);
  }
  const headers = createHttpHeaders();
  for (const [name, value] of fields) {
    const earlier = headers.get(name);
    if (earlier === undefined) headers.set(name, value);
    else if (name.toLowerCase() !== "set-cookie") headers.set(name, `${earlier}, ${value}`);
  }
  return { status: Number(status[1]), headers };
}
