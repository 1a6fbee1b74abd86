// `npm run demo`: the quick start sample against a local ACR emulator, with nothing to set up.
//
// The emulator runs in this process on a free port. The sample runs in a child process exactly as
// it would against Azure, configured by its environment only: CONTAINER_REGISTRY_ENDPOINT, and the
// emulator's managed identity endpoint, from which `new DefaultAzureCredential()` gets the
// emulator's dev token. The child runs the package's TypeScript source (tsconfig.source.json maps
// the package name to src/), so the demo needs no build.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startAcrEmulator } from "../src/emulator/index.js";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const sample = "samples/v1/typescript/src/quickstart.ts";

const emulator = await startAcrEmulator();
console.log(`ACR emulator listening on ${emulator.endpoint} (in this process, in memory)`);
console.log(`Running ${sample}, configured by its environment only:`);
console.log(`  CONTAINER_REGISTRY_ENDPOINT=${emulator.endpoint}`);
console.log(`  IDENTITY_ENDPOINT=${emulator.managedIdentityEnvironment.IDENTITY_ENDPOINT} (DefaultAzureCredential's token comes from here)\n`);

// Nothing from this shell may steer the sample elsewhere: no Azure credentials, no other registry.
const inherited = Object.entries(process.env).filter(([name]) => !/^(AZURE_|IDENTITY_|MSI_|IMDS_|CONTAINER_REGISTRY_)/.test(name));
let exitCode: number;
try {
  // Asynchronously: this process must keep serving the emulator while the sample runs.
  const child = spawn(process.execPath, ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href, sample], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...Object.fromEntries(inherited),
      ...emulator.managedIdentityEnvironment,
      CONTAINER_REGISTRY_ENDPOINT: emulator.endpoint,
      TSX_TSCONFIG_PATH: path.join(root, "samples/v1/typescript/tsconfig.source.json"),
    },
  });
  exitCode = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
} finally {
  await emulator.close();
}

const served = (prefix: string): number => emulator.requestLog.filter((entry) => entry.path.startsWith(prefix)).length;
console.log(
  `\nStopped the emulator. It served ${emulator.requestLog.length} requests: ${served("/v2")} OCI (/v2), ` +
    `${served("/acr/v1")} ACR metadata (/acr/v1), ${served("/oauth2")} token (/oauth2), ${served("/_identity")} managed identity.`,
);
if (exitCode !== 0) console.error(`The quick start failed (exit code ${exitCode}).`);
process.exitCode = exitCode;
