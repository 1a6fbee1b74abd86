import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { StagedFileWriter } from "../../../src/transfer/stagedFileWriter.js";
import { makeTempDir } from "../../utils/processCleanup.js";

describe("StagedFileWriter", () => {
  it("writes bytes given in pieces of any size, across its staging buffers, in order", async () => {
    const file = path.join(makeTempDir("acr-test-staged-"), "out");
    const handle = await open(file, "w");
    const data = Buffer.concat(Array.from({ length: 40 }, (_, i) => Buffer.alloc(100_000 + i * 1000, i)));
    const writer = new StagedFileWriter(handle);
    for (let offset = 0, size = 1; offset < data.length; offset += size, size = (size * 7 + 3) % 300_000) {
      // Each piece is only valid until its call (or promise) settles: clobber it afterwards.
      const piece = Buffer.from(data.subarray(offset, offset + size));
      await writer.write(piece);
      piece.fill(0xee);
    }
    await writer.end();
    await handle.close();
    expect(readFileSync(file).equals(data)).toBe(true);
  });

  it("reports a failed write on the next call", async () => {
    const file = path.join(makeTempDir("acr-test-staged-"), "out");
    writeFileSync(file, "");
    const handle = await open(file, "r");
    const writer = new StagedFileWriter(handle);
    const pending = writer.write(Buffer.alloc(1024 * 1024));
    expect(pending).toBeUndefined();
    await expect(writer.end()).rejects.toMatchObject({ code: "EBADF" });
    expect(() => writer.check()).toThrow();
    await handle.close();
    expect(existsSync(file)).toBe(true);
  });
});
