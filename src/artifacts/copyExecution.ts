import { AbortError } from "@azure/abort-controller";
import type { OperationOptions } from "@azure/core-client";
import { setMaxListeners } from "node:events";
import type { OciDescriptor } from "../content/models.js";
import { throwIfAborted } from "../errors/abort.js";
import type { ConcurrencyLimit } from "./concurrencyLimit.js";
import type { CopyPlan, PlannedManifest } from "./copyPlan.js";
import type { CopiedBlobState, CopyArtifactResult, CopyProgress } from "./models.js";
import type { ArtifactSource, ArtifactTarget } from "./store.js";

export interface ExecuteOptions extends OperationOptions {
  tag?: string;
  mount: boolean;
  limit: ConcurrencyLimit;
  onProgress?: (progress: CopyProgress) => void;
}

/**
 * Runs a copy plan: for each manifest, its blobs and the manifests it lists first (in parallel,
 * at most `limit` transfers at once), then the manifest itself, then its referrers; the tag last,
 * once everything it names is at the destination. What the destination has is skipped, so a copy
 * run again after an interruption goes on where the first run stopped. On the first failure the
 * transfers still running are cancelled and awaited: nothing goes on after the copy rejects, and
 * no tag is written.
 */
class CopyRun {
  private readonly controller = new AbortController();
  private readonly operation: OperationOptions;
  private readonly blobs = new Map<string, Promise<void>>();
  private readonly manifests = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<unknown>>();
  private failure?: { error: unknown };
  private readonly inFlight = new Map<string, number>();
  private completedBytes = 0;
  private readonly totalBytes: number;
  readonly result: Omit<CopyArtifactResult, "digest" | "mediaType" | "sizeInBytes"> = {
    blobs: { copied: [], mounted: [], skipped: [] },
    manifests: { copied: [], skipped: [] },
    referrers: [],
    transferredBytes: 0,
  };

  constructor(
    private readonly plan: CopyPlan,
    private readonly source: ArtifactSource,
    private readonly target: ArtifactTarget,
    private readonly options: ExecuteOptions,
  ) {
    // Every request of the copy listens to this signal: dozens at once are expected, not a leak.
    setMaxListeners(0, this.controller.signal);
    const signal = options.abortSignal;
    if (signal?.aborted) this.controller.abort();
    signal?.addEventListener("abort", () => this.controller.abort(), { once: true });
    this.operation = { abortSignal: this.controller.signal, tracingOptions: options.tracingOptions };
    this.totalBytes = [...plan.blobs.values()].reduce((sum, blob) => sum + blob.size, 0);
  }

  /** Runs a step; the first failure cancels every other step. */
  private track<T>(step: () => Promise<T>): Promise<T> {
    const promise = (async () => {
      throwIfAborted(this.controller.signal);
      return step();
    })();
    this.running.add(promise);
    promise.then(
      () => this.running.delete(promise),
      (error: unknown) => {
        this.running.delete(promise);
        this.failure ??= { error };
        this.controller.abort();
      },
    );
    return promise;
  }

  private report(blob: OciDescriptor, loadedBytes: number, state: CopiedBlobState): void {
    if (state === "transferring") this.inFlight.set(blob.digest, loadedBytes);
    else {
      this.inFlight.delete(blob.digest);
      this.completedBytes += blob.size;
    }
    if (!this.options.onProgress) return;
    let moving = 0;
    for (const bytes of this.inFlight.values()) moving += bytes;
    this.options.onProgress({
      blob: { digest: blob.digest, sizeInBytes: blob.size, loadedBytes, state },
      completedBlobs: this.result.blobs.copied.length + this.result.blobs.mounted.length + this.result.blobs.skipped.length,
      totalBlobs: this.plan.blobs.size,
      loadedBytes: this.completedBytes + moving,
      totalBytes: this.totalBytes,
    });
  }

  private copyBlob(blob: OciDescriptor): Promise<void> {
    let copy = this.blobs.get(blob.digest);
    if (!copy) {
      copy = this.track(() =>
        this.options.limit.run(async () => {
          throwIfAborted(this.controller.signal);
          if (await this.target.hasBlob(blob, this.operation)) {
            this.result.blobs.skipped.push(blob.digest);
            this.report(blob, blob.size, "skipped");
            return;
          }
          const onProgress = (loadedBytes: number): void => this.report(blob, loadedBytes, "transferring");
          const outcome = await this.target.pushBlob(this.source.blob(blob), { ...this.operation, mount: this.options.mount, onProgress });
          if (outcome === "copied") this.result.transferredBytes += blob.size;
          this.result.blobs[outcome].push(blob.digest);
          this.report(blob, blob.size, outcome);
        }),
      );
      this.blobs.set(blob.digest, copy);
    }
    return copy;
  }

  /** A manifest after what it lists; its referrers after it. `tag` only for the root, which is tagged last. */
  private copyManifest(node: PlannedManifest, isReferrer: boolean): Promise<void> {
    let copy = this.manifests.get(node.descriptor.digest);
    if (!copy) {
      copy = this.track(async () => {
        await Promise.all([...node.blobs.map((blob) => this.copyBlob(blob)), ...node.children.map((child) => this.copyManifest(child, false))]);
        await this.pushManifest(node);
        if (isReferrer) this.result.referrers.push(node.descriptor.digest);
        await Promise.all(node.referrers.map((referrer) => this.copyManifest(referrer, true)));
      });
      this.manifests.set(node.descriptor.digest, copy);
    }
    return copy;
  }

  private async pushManifest(node: PlannedManifest, tag?: string): Promise<void> {
    const present = await this.options.limit.run(() => this.target.hasManifest(node.descriptor, this.operation));
    const root = node === this.plan.root;
    // The root is written even when present (it is idempotent): a layout lists it, a registry tags it.
    if (!present || root) await this.target.pushManifest(node.descriptor, node.content, { ...this.operation, tag, root });
    this.result.manifests[present ? "skipped" : "copied"].push(node.descriptor.digest);
  }

  async run(): Promise<void> {
    const root = this.plan.root;
    try {
      await this.track(async () => {
        await Promise.all([...root.blobs.map((blob) => this.copyBlob(blob)), ...root.children.map((child) => this.copyManifest(child, false))]);
        // Without referrers to go between, the root goes once, under its tag: the tag is still the last write.
        if (root.referrers.length === 0) return this.pushManifest(root, this.options.tag);
        await this.pushManifest(root);
        await Promise.all(root.referrers.map((referrer) => this.copyManifest(referrer, true)));
        if (this.options.tag !== undefined) await this.target.pushManifest(root.descriptor, root.content, { ...this.operation, tag: this.options.tag, root: true });
      });
    } catch {
      // Reported below, once every step still running has stopped.
    }
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    if (this.failure) {
      const { error } = this.failure;
      throw this.options.abortSignal?.aborted && !(error instanceof AbortError) ? new AbortError("The copy was aborted.") : error;
    }
  }
}

/** Copies what `plan` lists from `source` to `target` (see {@link CopyRun}). */
export async function executeCopy(plan: CopyPlan, source: ArtifactSource, target: ArtifactTarget, options: ExecuteOptions): Promise<CopyArtifactResult> {
  const run = new CopyRun(plan, source, target, options);
  await run.run();
  const { descriptor } = plan.root;
  return { digest: descriptor.digest, mediaType: descriptor.mediaType, sizeInBytes: descriptor.size, ...(options.tag !== undefined && { tag: options.tag }), ...run.result };
}
