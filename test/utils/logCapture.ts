// Collects the package's log lines (every level down to verbose) while a test runs.
import { AzureLogger, getLogLevel, setLogLevel } from "@azure/logger";

export interface LogCapture {
  /** Lines logged so far, each `azure:container-registry:<level> <message>`. */
  lines: string[];
  /** Lines of one level (`verbose`, `info`, `warning`, `error`) that contain `text`. */
  at(level: string, text: string): string[];
  restore(): void;
}

export function captureLogs(): LogCapture {
  const originalLog = AzureLogger.log;
  const originalLevel = getLogLevel();
  const lines: string[] = [];
  AzureLogger.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  setLogLevel("verbose");
  return {
    lines,
    at: (level, text) => lines.filter((line) => line.includes(`container-registry:${level} `) && line.includes(text)),
    restore() {
      AzureLogger.log = originalLog;
      setLogLevel(originalLevel ?? "warning");
    },
  };
}
