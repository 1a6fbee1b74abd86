import { join } from "node:path";
import { Registry } from "./registry.js";
import { exportState, importState, type EmulatorState } from "./state.js";
import { FolderBlobStore } from "./storage/folderBlobStore.js";
import { MemoryBlobStore } from "./storage/memoryBlobStore.js";
import { MetadataFile } from "./storage/metadataFile.js";

/** The registry's state and its persistence. */
export interface OpenedRegistry {
  registry: Registry;
  /** Schedules a save of the metadata (nothing to do in memory). */
  save(): void;
  /** Resolves once every scheduled save is written. */
  flush(): Promise<void>;
}

/**
 * Opens the registry: in memory, or in `storageDirectory` (blobs content-addressed, metadata in
 * `metadata.json`) with the state a previous run left there.
 */
export async function openRegistry(storageDirectory: string | undefined): Promise<OpenedRegistry> {
  if (!storageDirectory) {
    return { registry: new Registry(new MemoryBlobStore(), () => undefined), save: () => undefined, flush: () => Promise.resolve() };
  }
  const blobs = await FolderBlobStore.open(storageDirectory);
  const metadata = new MetadataFile(join(storageDirectory, "metadata.json"));
  // Manifest bytes are in the blob store already, so the metadata file holds no content.
  const save = (): void => metadata.schedule(() => exportState(registry, { manifestContent: false, blobContent: false }));
  let loading = true;
  const registry: Registry = new Registry(blobs, () => {
    if (!loading) save();
  });
  const persisted = await metadata.load();
  if (persisted) await importState(registry, persisted as EmulatorState);
  loading = false;
  return { registry, save, flush: () => metadata.flush() };
}
