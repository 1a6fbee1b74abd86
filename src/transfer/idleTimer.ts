/**
 * Inactivity timeout of a transfer unless the caller sets one: long enough for a registry that
 * takes its time to answer (finishing a large upload), short enough that a transfer stalled for
 * good gives up within 3 minutes, resume attempts included (see docs/reliability.md).
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/**
 * Calls `onIdle` once when nothing moved for `timeoutInMs`: `touch()` on every byte or head that
 * arrives or leaves, `hold()` while the transfer waits on its own consumer (a paused stream, a
 * disk write), which is not the network stalling. A timeout of 0 never fires.
 *
 * Activity only stamps a time: the timer is re-armed when it expires, not on every chunk.
 */
export class IdleTimer {
  private last = performance.now();
  private held = false;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly timeoutInMs: number,
    private readonly onIdle: () => void,
  ) {
    if (timeoutInMs > 0) this.arm(timeoutInMs);
  }

  touch(): void {
    this.last = performance.now();
  }

  /** Stops counting until {@link release}. */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.touch();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(inMs: number): void {
    this.timer = setTimeout(() => this.check(), inMs);
    // A stalled transfer keeps its socket open anyway; the timer alone must not keep a process alive.
    this.timer.unref?.();
  }

  private check(): void {
    if (this.timer === undefined) return;
    const idle = performance.now() - this.last;
    if (this.held || idle < this.timeoutInMs) {
      this.arm(this.held ? this.timeoutInMs : this.timeoutInMs - idle);
      return;
    }
    this.timer = undefined;
    this.onIdle();
  }
}
