import { describe, expect, it } from "vitest";
import { IdleTimer } from "../../../src/transfer/idleTimer.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("IdleTimer", () => {
  it("fires once, about timeoutInMs after the last touch", async () => {
    const fired: number[] = [];
    const started = performance.now();
    const timer = new IdleTimer(60, () => fired.push(performance.now() - started));
    for (let i = 0; i < 4; i++) {
      await sleep(30);
      timer.touch();
    }
    expect(fired).toEqual([]);
    await sleep(150);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(120 + 55);
    timer.stop();
  });

  it("does not count while held, and counts afresh from the release", async () => {
    let fired = 0;
    const timer = new IdleTimer(40, () => fired++);
    timer.hold();
    await sleep(120);
    expect(fired).toBe(0);
    timer.release();
    await sleep(20);
    expect(fired).toBe(0);
    await sleep(80);
    expect(fired).toBe(1);
  });

  it("never fires once stopped, nor with a timeout of 0", async () => {
    let fired = 0;
    new IdleTimer(30, () => fired++).stop();
    new IdleTimer(0, () => fired++);
    await sleep(80);
    expect(fired).toBe(0);
  });
});
