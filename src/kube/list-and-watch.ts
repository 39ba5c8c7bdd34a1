/**
 * Keep a view of a collection current: LIST (the resync), then WATCH from the list's
 * resourceVersion, and LIST again when the watch ends with 410 Gone, fails, or `resyncMs` passes.
 * Errors back off exponentially up to `maxBackoffMs`; nothing here grows with what the server sends.
 */
import type { Clock } from "../core/time/clock.ts";
import type { KubeWatch, WatchEvent } from "./create-kube-watch.ts";
import { kubeStatus } from "./kube-api-error.ts";
import type { ListAll } from "./list-pages.ts";

export interface ListAndWatchOptions<T> {
  /** A full LIST (listAll over the collection). */
  readonly list: () => Promise<ListAll<T>>;
  readonly watch: KubeWatch;
  /** The collection path the watch follows (same selector as the LIST). */
  readonly path: string;
  /** Every LIST's items: the caller replaces its view with them. */
  readonly onList: (items: T[]) => void;
  readonly onEvent: (event: WatchEvent<T>) => void;
  readonly onError?: (error: unknown) => void;
  readonly signal: AbortSignal;
  /** A fresh LIST at least this often, as a safety net for missed events. */
  readonly resyncMs?: number;
  readonly maxBackoffMs?: number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly clock?: Clock;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const stop = () => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener("abort", stop, { once: true });
  });
}

/** Watches from the LIST's version until the resync is due (or the signal aborts). */
async function watchUntilResync<T>(options: ListAndWatchOptions<T>, listed: ListAll<T>): Promise<void> {
  const clock = options.clock ?? Date.now;
  const resyncMs = options.resyncMs ?? 300_000;
  const listedAt = clock();
  let resourceVersion = listed.resourceVersion ?? "0";
  while (!options.signal.aborted && clock() - listedAt < resyncMs) {
    const remaining = Math.max(1, Math.ceil((resyncMs - (clock() - listedAt)) / 1000));
    await options.watch<T & { metadata?: { resourceVersion?: string } }>(
      { path: options.path, resourceVersion, timeoutSeconds: remaining, signal: options.signal },
      (event) => {
        resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
        if (event.type !== "BOOKMARK") options.onEvent(event);
      },
    );
  }
}

/** Runs until `signal` aborts. */
export async function listAndWatch<T>(options: ListAndWatchOptions<T>): Promise<void> {
  const sleep = options.sleep ?? abortableSleep;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  let backoffMs = 500;
  while (!options.signal.aborted) {
    try {
      const listed = await options.list();
      options.onList(listed.items);
      backoffMs = 500;
      await watchUntilResync(options, listed);
    } catch (error) {
      if (options.signal.aborted) return;
      // 410: the version is gone from the watch cache; an immediate LIST is the documented answer.
      if (kubeStatus(error) === 410) continue;
      options.onError?.(error);
      await sleep(backoffMs, options.signal);
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    }
  }
}
