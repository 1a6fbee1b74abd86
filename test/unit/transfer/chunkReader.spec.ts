import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ChunkReader } from "../../../src/transfer/chunkReader.js";
import { sha256 } from "../fakes/fakeRegistry.js";

describe("ChunkReader", () => {
  const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i & 0xff));

  it("cuts a stream into chunks of at most maxBytes across piece boundaries, hashing once", async () => {
    const reader = new ChunkReader(Readable.from([data.subarray(0, 3000), data.subarray(3000, 3001), data.subarray(3001)]));
    const chunks: Buffer[] = [];
    for (let chunk = await reader.read(4096); chunk.length > 0; chunk = await reader.read(4096)) chunks.push(Buffer.from(chunk));
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 1808]);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect(reader.ended).toBe(true);
    expect(reader.digest()).toBe(sha256(data));
  });

  it("knows the stream ended when the last chunk is short, without another read", async () => {
    const reader = new ChunkReader(Readable.from([data]));
    expect((await reader.read(20_000)).length).toBe(10_000);
    expect(reader.ended).toBe(true);
  });

  it("does not hold a full chunk for a small blob", async () => {
    const reader = new ChunkReader(Readable.from([Buffer.from("tiny")]));
    const chunk = await reader.read(64 * 1024 * 1024);
    expect(chunk.toString()).toBe("tiny");
    expect(chunk.buffer.byteLength).toBeLessThanOrEqual(64 * 1024);
  });

  it("refuses to tell the digest before the end", async () => {
    const reader = new ChunkReader(Readable.from([data]));
    await reader.read(10);
    expect(() => reader.digest()).toThrow(/end/);
  });
});
