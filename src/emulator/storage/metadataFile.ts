import { readFile, rename, writeFile } from "node:fs/promises";

/**
 * The registry's metadata as one JSON file, rewritten (write + rename, so never half written)
 * after changes. Saves are coalesced: many changes during one write cost one more write.
 */
export class MetadataFile {
  private pending: Promise<void> = Promise.resolve();
  private scheduled = false;

  constructor(private readonly path: string) {}

  async load(): Promise<unknown> {
    try {
      return JSON.parse(await readFile(this.path, "utf8")) as unknown;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  schedule(produce: () => Promise<unknown>): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.pending = this.pending.then(async () => {
      this.scheduled = false;
      try {
        const temporary = `${this.path}.tmp`;
        await writeFile(temporary, JSON.stringify(await produce()));
        await rename(temporary, this.path);
      } catch (error) {
        process.stderr.write(`acr-emulator: could not save ${this.path}: ${(error as Error).message}\n`);
      }
    });
  }

  /** Resolves once every scheduled save is written. */
  flush(): Promise<void> {
    return this.pending;
  }
}
