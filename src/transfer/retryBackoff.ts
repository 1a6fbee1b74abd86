import { AbortError, type AbortSignalLike } from "@azure/abort-controller";
import type { PipelineRetryOptions } from "@azure/core-rest-pipeline";
import { calculateRetryDelay, delay } from "@azure/core-util";
import { retryAfterOfError } from "./retryAfter.js";

/** How often and how soon a transfer tries again: the meaning and defaults of core's `retryOptions`. */
export interface RetrySettings {
  /** Failures in a row, without progress in between, that are tried again before giving up. */
  maxRetries: number;
  /** First pause; doubled on each further failure in a row (with jitter), up to `maxRetryDelayInMs`. */
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
}

/** core-rest-pipeline's defaults for `retryOptions`. */
export const DEFAULT_RETRY_SETTINGS: RetrySettings = { maxRetries: 3, retryDelayInMs: 1000, maxRetryDelayInMs: 64_000 };

/** A client's `retryOptions`, with core's defaults for what it leaves out. */
export function retrySettings(options: PipelineRetryOptions = {}): RetrySettings {
  return {
    maxRetries: options.maxRetries ?? DEFAULT_RETRY_SETTINGS.maxRetries,
    retryDelayInMs: options.retryDelayInMs ?? DEFAULT_RETRY_SETTINGS.retryDelayInMs,
    maxRetryDelayInMs: options.maxRetryDelayInMs ?? DEFAULT_RETRY_SETTINGS.maxRetryDelayInMs,
  };
}

/**
 * Counts the failures of a transfer since its last progress and spaces the attempts that follow:
 * the delay a throttled answer asks for (`Retry-After`), else core's exponential delay with jitter.
 * One instance per transfer; uploads and downloads share it.
 */
export class RetryBackoff {
  private failures = 0;

  constructor(private readonly settings: RetrySettings & { abortSignal?: AbortSignalLike }) {}

  /** Failures since the last progress. */
  get failuresInARow(): number {
    return this.failures;
  }

  /** The transfer moved on (new bytes arrived, or the registry holds more): the next failure counts afresh. */
  progressed(): void {
    this.failures = 0;
  }

  /**
   * Waits before trying again after `cause`, and resolves with the wait in ms. Rejects with `cause`
   * itself once `maxRetries` failures in a row were waited for, or when its `Retry-After` asks for
   * more than `maxRetryDelayInMs` (the transfer will not block longer than it was told it may); with
   * an AbortError when the caller aborts.
   */
  async pause(cause: unknown): Promise<number> {
    const { abortSignal, maxRetries, maxRetryDelayInMs } = this.settings;
    if (abortSignal?.aborted) throw new AbortError("The operation was aborted.");
    if (this.failures >= maxRetries) throw cause;
    const asked = retryAfterOfError(cause);
    if (asked !== undefined && asked > maxRetryDelayInMs) throw cause;
    const wait = asked ?? calculateRetryDelay(this.failures, this.settings).retryAfterInMs;
    this.failures += 1;
    await delay(wait, { abortSignal });
    return wait;
  }
}
