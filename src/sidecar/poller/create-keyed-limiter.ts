/**
 * A semaphore per key (here: per registry), so a cycle with many repositories on one registry
 * keeps only a few requests in flight there while other registries proceed. Small enough to own
 * rather than add a dependency.
 */

export type KeyedLimiter = <T>(key: string, task: () => Promise<T>) => Promise<T>;

export function createKeyedLimiter(limit: number): KeyedLimiter {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const active = new Map<string, number>();
  const waiting = new Map<string, (() => void)[]>();

  function release(key: string): void {
    const queue = waiting.get(key);
    const next = queue?.shift();
    if (queue?.length === 0) waiting.delete(key);
    // The slot passes straight to the next waiter, so the count stays as it is.
    if (next !== undefined) {
      next();
      return;
    }
    const count = (active.get(key) ?? 1) - 1;
    if (count === 0) active.delete(key);
    else active.set(key, count);
  }

  return async (key, task) => {
    if ((active.get(key) ?? 0) < limit) active.set(key, (active.get(key) ?? 0) + 1);
    else
      await new Promise<void>((resolve) => {
        const queue = waiting.get(key) ?? [];
        queue.push(resolve);
        waiting.set(key, queue);
      });
    try {
      return await task();
    } finally {
      release(key);
    }
  };
}
