import { describe, expect, it } from "vitest";
import { createKeyedLimiter } from "../../../../src/sidecar/poller/create-keyed-limiter.ts";

describe("createKeyedLimiter", () => {
  it("runs at most `limit` tasks per key at once, keys independently, and finishes all", async () => {
    const limit = createKeyedLimiter(2);
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    const task = (key: string) =>
      limit(key, async () => {
        running.set(key, (running.get(key) ?? 0) + 1);
        peak.set(key, Math.max(peak.get(key) ?? 0, running.get(key) ?? 0));
        await new Promise((resolve) => setTimeout(resolve, 2));
        running.set(key, (running.get(key) ?? 0) - 1);
        return key;
      });
    const keys = ["a", "a", "a", "a", "a", "b", "b", "b"];
    expect(await Promise.all(keys.map(task))).toEqual(keys);
    expect(Object.fromEntries(peak)).toEqual({ a: 2, b: 2 });
  });

  it("releases the slot when a task throws", async () => {
    const limit = createKeyedLimiter(1);
    await expect(limit("a", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limit("a", async () => "next")).toBe("next");
  });

  it.each([0, -1, 1.5])("refuses a limit of %s", (value) => {
    expect(() => createKeyedLimiter(value)).toThrow(RangeError);
  });
});
