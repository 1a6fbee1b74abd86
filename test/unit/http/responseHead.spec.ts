import { describe, expect, it } from "vitest";
import { MAX_HEAD_BYTES, parseResponseHead, ResponseHeadReader } from "../../../src/http/staticBuffer/responseHead.js";

const HEAD = "HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\nContent-Range: bytes 10-14/15\r\nVia: a\r\nvia: b\r\n\r\n";
const BODY = "hello";

/** Feeds `parts` to a reader; returns the head and the body bytes that followed it. */
function read(parts: Buffer[]): { status: number; headers: Record<string, string>; body: string } {
  const reader = new ResponseHeadReader();
  for (const [index, part] of parts.entries()) {
    const start = reader.push(part);
    if (start === -1) continue;
    const { status, headers } = reader.head();
    const body = Buffer.concat([part.subarray(start), ...parts.slice(index + 1)]).toString();
    return { status, headers: headers.toJSON(), body };
  }
  throw new Error("the head never ended");
}

describe("ResponseHeadReader", () => {
  it("finds the end of the head wherever the reads split it, blank line included", () => {
    const bytes = Buffer.from(HEAD + BODY);
    const whole = read([bytes]);
    expect(whole).toEqual({
      status: 206,
      headers: { "content-length": "5", "content-range": "bytes 10-14/15", via: "a, b" },
      body: BODY,
    });
    for (let split = 1; split < bytes.length; split++) {
      expect(read([bytes.subarray(0, split), bytes.subarray(split)])).toEqual(whole);
    }
    expect(read([...bytes].map((byte) => Buffer.from([byte])))).toEqual(whole);
  });

  it("refuses a head larger than 64 KiB, and accepts one just under", () => {
    const padding = (bytes: number): string => `X-Pad: ${"p".repeat(bytes)}\r\n`;
    const base = "HTTP/1.1 200 OK\r\n\r\n".length + padding(0).length;
    const fits = Buffer.from(`HTTP/1.1 200 OK\r\n${padding(MAX_HEAD_BYTES - base)}\r\n`);
    expect(fits.length).toBe(MAX_HEAD_BYTES);
    expect(read([fits.subarray(0, 1000), fits.subarray(1000)]).status).toBe(200);
    const reader = new ResponseHeadReader();
    const tooLarge = Buffer.from(`HTTP/1.1 200 OK\r\n${padding(MAX_HEAD_BYTES)}\r\n`);
    expect(() => {
      for (let offset = 0; offset < tooLarge.length; offset += 4096) reader.push(tooLarge.subarray(offset, offset + 4096));
    }).toThrow(/larger than 65536 bytes/);
  });
});

describe("parseResponseHead", () => {
  it("combines repeated fields, keeps the first Set-Cookie, unfolds obsolete line folding", () => {
    const { status, headers } = parseResponseHead(
      "HTTP/1.0 404 Not Found\r\nWWW-Authenticate: Bearer realm=\"a\"\r\nwww-authenticate: Basic\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Folded: one\r\n  two\r\nX-Empty:",
    );
    expect(status).toBe(404);
    expect(headers.toJSON()).toEqual({
      "www-authenticate": 'Bearer realm="a", Basic',
      "set-cookie": "a=1",
      "x-folded": "one two",
      "x-empty": "",
    });
  });

  it("accepts a status line without a reason phrase", () => {
    expect(parseResponseHead("HTTP/1.1 204").status).toBe(204);
  });

  it.each([
    ["not HTTP", "ICY 200 OK"],
    ["HTTP/2 framing", "HTTP/2 200"],
    ["a short status", "HTTP/1.1 20 OK"],
    ["a header without a colon", "HTTP/1.1 200 OK\r\nContent-Length 5"],
    ["a header with an empty name", "HTTP/1.1 200 OK\r\n: 5"],
    ["a header name with a space", "HTTP/1.1 200 OK\r\nContent Length: 5"],
  ])("refuses %s", (_what, head) => {
    expect(() => parseResponseHead(head)).toThrow();
  });
});
