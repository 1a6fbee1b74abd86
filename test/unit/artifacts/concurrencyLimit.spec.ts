import { describe, expect, it } from "vitest";
import { ConcurrencyLimit } from "../../../src/artifacts/concurrencyLimit.js";

describe("artifacts/concurrencyLimit", () => {
  it("runs at most `limit` tasks at once, starts the waiting ones in order, and frees a slot when a task fails", async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const task = (index: number) => () =>
      new Promise<number>((resolve, reject) => {
        started.push(index);
        running++;
        most = Math.max(most, running);
        releases[index] = () => {
          running--;
          if (index === 1) reject(new Error("task 1 failed"));
          else resolve(index);
        };
      });
    const results = [0, 1, 2, 3].map((index) => limit.run(task(index)).catch((error: Error) => error.message));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    releases[1]!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    releases[0]!();
    await new Promise((resolve) => setImmediate(resolve));
    releases[2]!();
    await new Promise((resolve) => setImmediate(resolve));
    releases[3]!();
    expect(await Promise.all(results)).toEqual([0, "task 1 failed", 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(most).toBe(2);
  });
});
