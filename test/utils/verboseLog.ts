// The package's log while a piece of code runs, at verbose level: for tests that check what it never prints.
import { AzureLogger, getLogLevel, setLogLevel } from "@azure/logger";

/** Runs `body` with logging at verbose and returns every line logged meanwhile; the logger is restored after. */
export async function captureVerboseLog(body: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const originalLog = AzureLogger.log;
  const originalLevel = getLogLevel();
  AzureLogger.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  setLogLevel("verbose");
  try {
    await body();
  } finally {
    AzureLogger.log = originalLog;
    setLogLevel(originalLevel ?? "warning");
  }
  return lines.join("\n");
}
