// Lint rules: typescript-eslint's recommended set, type-only imports kept explicit, no console in the
// library (it logs through @azure/logger), and the Azure SDK's own plugin on the library source.
// Generated code is not linted: it is regenerated, not edited.
import js from "@eslint/js";
import { fixupPluginRules } from "@eslint/compat";
import azureSdk from "@azure/eslint-plugin-azure-sdk";
import tseslint from "typescript-eslint";

// @azure/eslint-plugin-azure-sdk: 2.0.1 is the only version on npm (later ones live in the Azure SDK
// monorepo and are not published). It was written for ESLint 6: @eslint/compat gives its rules the
// `context` methods ESLint 9 removed (parserServices, getAncestors); package.json overrides hand it this
// project's eslint, parser and typescript instead of ESLint 6, parser 2 and TypeScript 3.
const azureSdkPlugin = fixupPluginRules(azureSdk);

export default tseslint.config(
  { ignores: ["dist/**", "src/generated/**", "temp/**", "bench/node_modules/**", "swagger/toolchain/**", "**/node_modules/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": "error",
      // Per-method options bags that only extend OperationOptions are the Azure SDK convention.
      "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    plugins: { "@azure/azure-sdk": azureSdkPlugin },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    settings: { main: "src/index.ts" },
    rules: {
      ...Object.fromEntries(
        Object.entries(azureSdk.configs.recommended.rules).filter(([name]) => !/\/ts-(config|package-json)-/.test(name)),
      ),
      // Off: broken on ESLint 9, where Program spans its leading comments: getCommentsBefore(Program) is always
      // empty, so every file is reported and --fix prepends the header again on each run.
      "@azure/azure-sdk/github-source-headers": "off",
      // Off: TypeDoc documents only what the entry points export (`npm run docs`), so internal items need no
      // @internal tag; the rule knows one entry point (src/index.ts) and would call the emulator's API internal.
      "@azure/azure-sdk/ts-doc-internal": "off",
      // Off: the option type names are 1.1's public API (listRepositoryNames takes ListRepositoriesOptions),
      // and 2.0.1 also asks constructors for a `constructorOptions` name where the guidelines want `<Client>Options`.
      "@azure/azure-sdk/ts-naming-options": "off",
      // Off: it checks every function, internal ones that take the package's own classes by design; the
      // public methods take interfaces and options bags (review/*.api.md).
      "@azure/azure-sdk/ts-use-interface-parameters": "off",
      // Replaced: typescript-eslint 8 sets `const: false` on every enum, which 2.0.1 reads as a const enum.
      "@azure/azure-sdk/ts-no-const-enums": "off",
      "no-restricted-syntax": ["error", { selector: "TSEnumDeclaration[const=true]", message: "const enums should not be used (Azure SDK guidelines)" }],
    },
  },
  {
    // The plugin's package.json and tsconfig rules. Several encode the layout of 2019 (dist-esm/, ES6
    // modules, Node 8), which the Azure SDK's own packages (1.1.2 included) have left since.
    files: ["package.json", "tsconfig.json"],
    plugins: { "@azure/azure-sdk": azureSdkPlugin },
    languageOptions: { parser: tseslint.parser },
    rules: {
      ...Object.fromEntries(
        Object.entries(azureSdk.configs.recommended.rules).filter(([name]) => /\/ts-(config|package-json)-/.test(name)),
      ),
      // A JSON document is one expression statement (the plugin's own processor drops this report too).
      "@typescript-eslint/no-unused-expressions": "off",
      // Off: asks for `blob/master/` URLs; the repository's branch is main (1.1.2's homepage says blob/main).
      "@azure/azure-sdk/ts-package-json-homepage": "off",
      // Off: asks for the shorthand string, which cannot name the package's folder; the object's `directory` does.
      "@azure/azure-sdk/ts-package-json-repo": "off",
      // Off: asks for the keyword "Azure" capitalised; npm keywords are lower case ("azure", as in 1.1.2).
      "@azure/azure-sdk/ts-package-json-keywords": "off",
      // Off: asks for node >=8; the package needs Node 20, as 1.1.2 does.
      "@azure/azure-sdk/ts-package-json-engine-is-present": "off",
      // Off: ask for dist/index.js and dist-esm/src/index.js; the builds are dist/commonjs and dist/esm, as in 1.1.2.
      "@azure/azure-sdk/ts-package-json-main-is-cjs": "off",
      "@azure/azure-sdk/ts-package-json-module": "off",
      // Off: asks to ship src/ and dist-esm/src; the tarball ships dist/ only, its source maps carry the sources.
      "@azure/azure-sdk/ts-package-json-files-required": "off",
      // Off: the root tsconfig lists what it includes; there is nothing to exclude.
      "@azure/azure-sdk/ts-config-exclude": "off",
      // Off: implied by esModuleInterop, which is set.
      "@azure/azure-sdk/ts-config-allowsyntheticdefaultimports": "off",
      // Off: ask for `lib: []`, `module: ES6`, `moduleResolution: node` (2019's browser-first builds); a Node 20
      // package built for ESM and CommonJS uses ES2023 and NodeNext, as 1.1.2 does.
      "@azure/azure-sdk/ts-config-lib": "off",
      "@azure/azure-sdk/ts-config-module": "off",
      "@azure/azure-sdk/ts-config-moduleresolution": "off",
    },
  },
  {
    files: ["test/**", "samples/**", "bench/**", "scripts/**"],
    rules: {
      "no-console": "off",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", Buffer: "readonly", URL: "readonly", setTimeout: "readonly" } },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
