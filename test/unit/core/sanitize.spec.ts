import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import { ContainerRegistryContentClient } from "../../../src/index.js";
import { startAcrEmulator } from "../../../src/emulator/index.js";
import { redactSecrets, redactUrl } from "../../../src/diagnostics/redaction.js";

describe("redactSecrets", () => {
  it("redacts query values except the safe ones, wherever a URL appears in a line", () => {
    const line = `"location": "https://x.blob.core.windows.net/d/data?se=2030&sig=abc%2Bdef&sp=r", next </v2/_catalog?last=a&n=2>`;
    expect(redactSecrets(line)).toBe(`"location": "https://x.blob.core.windows.net/d/data?se=REDACTED&sig=REDACTED&sp=REDACTED", next </v2/_catalog?last=a&n=2>`);
    expect(redactSecrets("/v2/a/blobs/uploads/u?_nouploadcache=false&_state=SECRET")).toBe("/v2/a/blobs/uploads/u?_nouploadcache=REDACTED&_state=REDACTED");
  });

  it("redacts credentials and token fields of headers, forms and JSON", () => {
    expect(redactSecrets("authorization: Bearer eyJ.abc.def")).toBe("authorization: Bearer REDACTED");
    expect(redactSecrets("Basic dXNlcjpwYXNz")).toBe("Basic REDACTED");
    // Scopes and services say what was asked, not who asked: they stay for diagnosis.
    expect(redactSecrets("grant_type=refresh_token&refresh_token=eyJx.y.z&scope=s")).toBe("grant_type=refresh_token&refresh_token=REDACTED&scope=s");
    expect(redactSecrets('{"access_token": "secret-value", "other": 1}')).toBe('{"access_token": "REDACTED", "other": 1}');
  });

  it("redactUrl keeps the safe parameters and the path", () => {
    expect(redactUrl("https://r.io/v2/a/tags/list?n=5&last=b&token=x")).toBe("https://r.io/v2/a/tags/list?n=5&last=b&token=REDACTED");
  });
});

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

  it("hold neither tokens nor signed redirect URLs", async () => {
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
