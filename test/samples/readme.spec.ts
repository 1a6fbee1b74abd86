// The README's examples are excerpts of the samples (and tests) that CI runs: every block marked
// `<!-- sample: <file> -->` must appear, line by line and in order, in that file (indentation aside).
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const samplesDir = path.join(root, "samples/v1/typescript/src");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const excerpts = [...readme.matchAll(/<!-- sample: (\S+) -->\n```ts\n([\s\S]*?)```/g)].map(([, file, code]) => ({ file: file!, code: code! }));

const lines = (text: string): string[] => text.split("\n").map((line) => line.trim()).filter(Boolean);

/** Whether `needle`'s lines occur in `haystack` in order and without gaps. */
function containsRun(haystack: string[], needle: string[]): boolean {
  return haystack.some((_, start) => needle.every((line, i) => haystack[start + i] === line));
}

describe("README examples", () => {
  it("are marked with the sample they come from", () => {
    expect(excerpts.length).toBeGreaterThanOrEqual(10);
  });

  it.each(excerpts.map((excerpt, index) => ({ ...excerpt, index })))("example $index is an excerpt of $file", ({ file, code }) => {
    // A bare name is a TypeScript sample; a path is relative to the repository.
    const source = readFileSync(file.includes("/") ? path.join(root, file) : path.join(samplesDir, file), "utf8");
    expect(containsRun(lines(source), lines(code)), `README excerpt not found verbatim in ${file}:\n${code}`).toBe(true);
  });
});
