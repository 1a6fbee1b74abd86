// The README's examples are excerpts of the samples (and tests) that CI runs: every block marked
// `<!-- sample: <file> -->` must appear, line by line and in order, in that file (indentation aside);
// every other snippet compiles as shown, and every link works from the npm page.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
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

describe("README links and snippets", () => {
  it("links only to absolute URLs or anchors, so that the links work on the npm page", () => {
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)|^\[[^\]]+\]:\s*(\S+)$/gm)].map(([, inline, reference]) => (inline ?? reference)!);
    expect(targets.length).toBeGreaterThan(10);
    expect(targets.filter((target) => !/^(https:\/\/|#)/.test(target))).toEqual([]);
  });

  it("snippets that are not sample excerpts compile as shown, imports included", () => {
    const blocks = [...readme.matchAll(/(<!-- sample: \S+ -->\n)?```ts\n([\s\S]*?)```/g)].filter(([, marker]) => !marker).map(([, , code]) => code!);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    // Inside the repository (temp/ is ignored), so that the snippets' imports resolve as a user's would:
    // the package by its name to the built declarations (dist/, which globalSetup builds), the rest to node_modules.
    mkdirSync(path.join(root, "temp"), { recursive: true });
    const dir = mkdtempSync(path.join(root, "temp", "readme-snippets-"));
    try {
      // Each snippet is its own module; top-level await is allowed, as in an ESM script.
      const files = blocks.map((code, index) => {
        const file = path.join(dir, `snippet${index}.mts`);
        writeFileSync(file, `${code}\nexport {};\n`);
        return file;
      });
      const program = ts.createProgram(files, {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ["node"],
        skipLibCheck: true,
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${path.basename(d.file?.fileName ?? "")}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
      expect(diagnostics).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
