// Verbose logs of a content transfer against the emulator (in process, on loopback), with ACR's
// token authentication and its 307 to blob storage: what reaches the log is redacted.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import { ContainerRegistryContentClient } from "../../../src/index.js";
import { startAcrEmulator } from "../../../src/emulator/index.js";

describe("verbose logs of content transfers", () => {
  const lines: string[] = [];
  let originalLog: typeof AzureLogger.log;
  let originalLevel: AzureLogLevel | undefined;
  beforeEach(() => {
    originalLog = AzureLogger.log;
    originalLevel = getLogLevel();
    AzureLogger.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
    setLogLevel("verbose");
  });
  afterEach(() => {
    AzureLogger.log = originalLog;
    setLogLevel(originalLevel ?? "warning");
  });

  it("hold neither tokens, upload states nor signed redirect URLs", async () => {
    const emulator = await startAcrEmulator({ redirectBlobDownloads: true });
    try {
      const client = new ContainerRegistryContentClient(emulator.endpoint, "logs/test", emulator.credential, { uploadChunkSizeInBytes: 1024 });
      const { digest } = await client.uploadBlob((async function* () {
        yield Buffer.alloc(3000, 7);
      })());
      const { content } = await client.downloadBlob(digest);
      for await (const _ of content) void _;

      const log = lines.join("\n");
      expect(log).toMatch(/Response status code: 307/); // the redirect happened and was logged...
      expect(log).toMatch(/sig=REDACTED/); // ...with its signature redacted
      expect(log).not.toMatch(/sig=(?!REDACTED)/);
      expect(log).not.toMatch(/_state=(?!REDACTED)/);
      expect(log).not.toMatch(/Bearer (?!REDACTED)/);
      expect(log).not.toContain(emulator.devToken);
    } finally {
      await emulator.close();
    }
  });
});
