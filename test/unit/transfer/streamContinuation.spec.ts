import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { StreamContinuation } from "../../../src/transfer/streamContinuation.js";

async function drain(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const source = (...pieces: string[]): Readable => Readable.from(pieces.map((piece) => Buffer.from(piece)));

describe("StreamContinuation", () => {
  it("a body destroyed part-way leaves the unread rest of the stream to the next body, and every piece is seen once at its offset", async () => {
    const continuation = new StreamContinuation(source("abc", "def", "ghi"), 9);
    const seen: string[] = [];
    const first = continuation.body((position, bytes) => seen.push(`${position}:${bytes}`));
    const firstPiece = await new Promise<Buffer>((resolve) => first.once("data", resolve));
    first.destroy();
    expect(firstPiece.toString()).toBe("abc");
    const rest = await drain(continuation.body((position, bytes) => seen.push(`${position}:${bytes}`)));
    expect(Buffer.concat([firstPiece, rest]).toString()).toBe("abcdefghi");
    expect(seen).toEqual(["0:abc", "3:def", "6:ghi"]);
    expect(continuation.handedOut).toBe(9);
  });

  it("fails the body when the stream yields more or fewer bytes than announced", async () => {
    await expect(drain(new StreamContinuation(source("abcdef"), 5).body(() => undefined))).rejects.toThrow(/more than the 5 bytes/);
    await expect(drain(new StreamContinuation(source("abcdef"), 7).body(() => undefined))).rejects.toThrow(/ended after 6 of the 7 bytes/);
    expect((await drain(new StreamContinuation(source("abc", "def"), 6).body(() => undefined))).toString()).toBe("abcdef");
  });

  it("passes the stream's own failure to the body, and to every later one", async () => {
    const failing = new Readable({ read() {} });
    failing.push(Buffer.from("ab"));
    setTimeout(() => failing.destroy(new Error("disk on fire")), 10);
    const continuation = new StreamContinuation(failing, 10);
    await expect(drain(continuation.body(() => undefined))).rejects.toThrow("disk on fire");
    await expect(drain(continuation.body(() => undefined))).rejects.toThrow("disk on fire");
  });
});
