// Generates the JavaScript samples (samples/v1/javascript/*.js) from the TypeScript ones, so both
// say the same thing. `--check` writes nothing and exits 1 when a JavaScript sample is stale.
//
//   node scripts/generate-js-samples.mjs [--check]
//
// Types are erased from the source text rather than printed anew (as transpileModule would), so the
// JavaScript keeps the TypeScript's layout: blank lines, comments, one-line `if`s, 2-space indents.
// Each result is checked against transpileModule: both must compile to the same program.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const sourceDir = path.join(root, "samples/v1/typescript/src");
const outputDir = path.join(root, "samples/v1/javascript");

/** `[start, end)`, widened to whole lines when nothing else shares them. */
function wholeLines(text, start, end) {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const lineEnd = text.indexOf("\n", end);
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd === -1 ? text.length : lineEnd);
  return /^\s*$/.test(before) && /^\s*$/.test(after) ? [lineStart, lineEnd === -1 ? text.length : lineEnd + 1] : [start, end];
}

/** The edits (`[start, end, replacement]`) that leave only JavaScript: TypeScript syntax is cut out. */
function typeEdits(file) {
  const text = file.text;
  const edits = [];
  const cut = (start, end) => edits.push([start, end, ""]);
  const visit = (node) => {
    if (ts.isTypeNode(node)) return; // erased with the annotation, cast or type arguments holding it
    if (ts.isImportDeclaration(node) && node.importClause) {
      const { importClause } = node;
      const bindings = importClause.namedBindings;
      const named = bindings && ts.isNamedImports(bindings) ? bindings.elements : [];
      const kept = named.filter((element) => !element.isTypeOnly);
      if (importClause.isTypeOnly || (!importClause.name && named.length > 0 && kept.length === 0)) {
        cut(...wholeLines(text, node.getStart(file), node.end));
      } else if (kept.length < named.length) {
        const multiline = text.slice(bindings.getStart(file), bindings.end).includes("\n");
        if (multiline) {
          // One specifier per line (as the formatter writes them): drop the lines of type-only ones.
          for (const element of named.filter((specifier) => specifier.isTypeOnly)) {
            cut(...wholeLines(text, element.getStart(file), text.indexOf(",", element.end) + 1));
          }
        } else {
          edits.push([bindings.getStart(file), bindings.end, `{ ${kept.map((element) => element.getText(file)).join(", ")} }`]);
        }
      }
      return;
    }
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isEnumDeclaration(node) || ts.isModuleDeclaration(node)) {
      throw new Error(`${file.fileName}: a ${ts.SyntaxKind[node.kind]} has no JavaScript form; keep it out of the samples`);
    }
    if ((ts.isParameter(node) || ts.isVariableDeclaration(node)) && (node.questionToken || node.exclamationToken)) {
      throw new Error(`${file.fileName}: optional parameters and definite assignments are not erased; keep them out of the samples`);
    }
    // `: Type` of variables, parameters and function results: the colon sits just before the type.
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isFunctionLike(node)) && node.type) {
      cut(text.lastIndexOf(":", node.type.getStart(file)), node.type.end);
    }
    if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node)) {
      cut(node.expression.end, node.end);
    }
    if ((ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isFunctionLike(node)) && (node.typeArguments ?? node.typeParameters)) {
      const list = node.typeArguments ?? node.typeParameters;
      cut(text.lastIndexOf("<", list.pos), text.indexOf(">", list.end) + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return edits;
}

const runCommand = (text) => text.replace(/npx tsx src\/(\w+)\.ts/g, "node $1.js");

/** The JavaScript sample for a TypeScript one. */
function eraseTypes(fileName, source) {
  const parse = (text) => ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let output = source;
  for (const [start, end, replacement] of typeEdits(parse(source)).sort((a, b) => b[0] - a[0])) {
    output = output.slice(0, start) + replacement + output.slice(end);
  }
  output = runCommand(output);
  // Nothing TypeScript may be left, and the program must be the one the compiler makes of the source.
  const compile = (text) =>
    ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, removeComments: true } }).outputText;
  if (typeEdits(parse(output)).length > 0 || compile(output) !== compile(runCommand(source))) {
    throw new Error(`${fileName}: erasing its types did not give the compiler's program; simplify the sample or extend this script`);
  }
  return output;
}

const check = process.argv.includes("--check");
const expected = new Map(
  readdirSync(sourceDir)
    .filter((name) => name.endsWith(".ts"))
    .map((name) => [name.replace(/\.ts$/, ".js"), eraseTypes(name, readFileSync(path.join(sourceDir, name), "utf8"))]),
);
let stale = 0;
for (const name of new Set([...expected.keys(), ...readdirSync(outputDir).filter((entry) => entry.endsWith(".js"))])) {
  const target = path.join(outputDir, name);
  const current = readdirSync(outputDir).includes(name) ? readFileSync(target, "utf8") : undefined;
  if (current === expected.get(name)) continue;
  stale++;
  if (check) {
    console.error(`${path.relative(root, target)} is stale: run npm run samples:generate`);
  } else if (expected.has(name)) {
    writeFileSync(target, expected.get(name));
    console.log(`wrote ${path.relative(root, target)}`);
  } else {
    console.error(`${path.relative(root, target)} has no TypeScript sample: delete it`);
  }
}
if (check && stale > 0) process.exitCode = 1;
