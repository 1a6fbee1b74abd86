#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startAcrEmulator, type AcrEmulatorOptions } from "./index.js";

const USAGE = `Usage: acr-emulator [options]

  --port <n>         port to listen on (default 5000; 0 picks a free one)
  --host <address>   interface to listen on (default 127.0.0.1)
  --storage <dir>    keep blobs and metadata in <dir> (default: in memory)
  --service <name>   service name of challenges and tokens (default <host>:<port>)
  --anonymous-pull   allow anonymous pull and catalog listing
  --admin-user <user:password>
                     enable ACR's admin user with this username and password
  --no-auth          serve without authentication
  --help             show this text
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "5000" },
      host: { type: "string" },
      storage: { type: "string" },
      service: { type: "string" },
      "anonymous-pull": { type: "boolean", default: false },
      "admin-user": { type: "string" },
      "no-auth": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`invalid --port ${values.port}`);
  const admin = values["admin-user"];
  const colon = admin?.indexOf(":") ?? -1;
  if (admin !== undefined && colon <= 0) throw new RangeError("--admin-user must be <username>:<password>");
  const options: AcrEmulatorOptions = {
    port,
    host: values.host,
    storageDirectory: values.storage,
    serviceName: values.service,
    anonymousPull: values["anonymous-pull"],
    authentication: !values["no-auth"],
    ...(admin !== undefined && { adminUser: { username: admin.slice(0, colon), password: admin.slice(colon + 1) } }),
  };
  const emulator = await startAcrEmulator(options);
  process.stdout.write(
    `ACR emulator listening on ${emulator.endpoint}\n` +
      `service: ${emulator.serviceName}\n` +
      (options.adminUser ? `admin user: ${options.adminUser.username}\n` : "") +
      (options.authentication
        ? `dev token (for /oauth2/exchange): ${emulator.devToken}\n` +
          "for DefaultAzureCredential, set:\n" +
          Object.entries(emulator.managedIdentityEnvironment)
            .map(([name, value]) => `  export ${name}=${value}\n`)
            .join("")
        : "authentication: off\n") +
      `storage: ${options.storageDirectory ?? "in memory"}\n`,
  );
  const stop = (signal: string): void => {
    process.stdout.write(`${signal}: stopping\n`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`acr-emulator: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`acr-emulator: ${(error as Error).message}\n\n${USAGE}`);
  process.exit(1);
});
