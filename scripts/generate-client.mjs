// Regenerates src/generated from a local copy of the ACR data-plane spec, offline.
//
//   npm run generate:client                 # spec from ../shared/swagger/containerregistry.json
//   ACR_SPEC_FILE=/path/spec.json npm run generate:client
//   npm run generate:client -- --check      # fail when src/generated differs from a fresh run
//
// The spec's SHA-256 must match the one pinned in swagger/README.md, so the output depends only on
// the pinned spec, the directives and the pinned toolchain (swagger/toolchain/package.json).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const toolchain = join(root, "swagger", "toolchain");
const readme = join(root, "swagger", "README.md");
const generated = join(root, "src", "generated");
const check = process.argv.includes("--check");
const packageVersion = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;

function fail(message) {
  console.error(`generate:client: ${message}`);
  process.exit(1);
}

const specFile = resolve(process.env.ACR_SPEC_FILE ?? join(root, "..", "shared", "swagger", "containerregistry.json"));
if (!existsSync(specFile)) {
  fail(`no spec at ${specFile}; set ACR_SPEC_FILE to a local copy of the file named in swagger/README.md`);
}
const pinned = /SHA-256 of the file:\s*`([0-9a-f]{64})`/.exec(readFileSync(readme, "utf8"))?.[1];
const actual = createHash("sha256").update(readFileSync(specFile)).digest("hex");
if (!pinned) fail("swagger/README.md does not pin the spec's SHA-256");
if (actual !== pinned) fail(`spec ${specFile} has SHA-256 ${actual}, expected ${pinned}`);

if (!existsSync(join(toolchain, "node_modules", "@autorest", "typescript"))) {
  console.log("generate:client: installing the pinned AutoRest toolchain in swagger/toolchain");
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-save"], { cwd: toolchain, stdio: "inherit" });
}

// AutoRest writes caches under TMPDIR and AUTOREST_HOME: keep them in a scratch folder.
const scratch = mkdtempSync(join(tmpdir(), "acr-codegen-"));
const outputRoot = join(scratch, "out");
const modules = join(toolchain, "node_modules");
try {
  execFileSync(
    process.execPath,
    [
      join(modules, "autorest", "entrypoints", "app.js"),
      `--version=${join(modules, "@autorest", "core")}`,
      `--use=${join(modules, "@autorest", "typescript")}`,
      `--use=${join(modules, "@autorest", "modelerfour")}`,
      `--local-spec-file=${specFile}`,
      `--output-folder=${outputRoot}`,
      "--source-code-folder-path=./src/generated",
      // The version lives in package.json only; the generated user agent takes it from there.
      `--package-version=${packageVersion}`,
      readme,
    ],
    {
      cwd: scratch,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, TMPDIR: scratch, AUTOREST_HOME: join(scratch, "home") },
    },
  );
  // The TypeScript generator nests its output under the absolute working folder: find it.
  const fresh = listFiles(outputRoot)
    .map((file) => dirname(join(outputRoot, file)))
    .find((dir) => dir.endsWith(join("src", "generated")));
  if (!fresh) fail("AutoRest produced no src/generated");
  if (check) {
    const diffs = compareTrees(fresh, generated);
    if (diffs.length > 0) fail(`src/generated is stale; regenerate with npm run generate:client:\n  ${diffs.join("\n  ")}`);
    console.log("generate:client: src/generated matches the spec and directives");
  } else {
    rmSync(generated, { recursive: true, force: true });
    cpSync(fresh, generated, { recursive: true });
    console.log(`generate:client: wrote ${relative(root, generated)}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

function listFiles(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
  });
}

function compareTrees(a, b) {
  const names = new Set([...listFiles(a), ...listFiles(b)]);
  return [...names].sort().filter((name) => {
    const pa = join(a, name);
    const pb = join(b, name);
    return !existsSync(pa) || !existsSync(pb) || !readFileSync(pa).equals(readFileSync(pb));
  });
}
