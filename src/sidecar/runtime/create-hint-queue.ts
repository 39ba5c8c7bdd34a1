/**
 * The webhook hints waiting for the registry, bounded three ways: at most
 * `maxRepositories` repositories wait, each holds at most `maxTags` hinted tags (more become one
 * re-list: 100,000 hinted tags cost one listing, not 100,000 HEADs), and at most `concurrency`
 * checks run at once across all registries. Hints for a repository already waiting join its entry;
 * a repository is never checked twice at once — hints arriving during a check wait for the next.
 */

/** What to check for one repository. */
export interface Hint {
  readonly repository: string;
  /** Tags to confirm by HEAD: at most `maxTags`, none once more were hinted (the listing covers them). */
  readonly tags: ReadonlySet<string>;
  /** List the repository: a digest-only push said something changed, or too many tags were hinted. */
  readonly relist: boolean;
}

export type AddResult = "queued" | "joined" | "full";

export interface HintQueue {
  /** Adds hints for one repository (`relist` for a digest-only push); `full` when dropped. */
  add(repository: string, tags: Iterable<string>, relist: boolean): AddResult;
  /** Repositories waiting (not yet running). */
  pending(): number;
  /** Resolves once nothing waits or runs: for tests and shutdown. */
  idle(): Promise<void>;
}

export interface HintQueueOptions {
  readonly concurrency: number;
  readonly maxRepositories: number;
  readonly maxTags: number;
  /** Checks one repository; a rejection is reported to `onError` and costs that hint only. */
  readonly run: (hint: Hint) => Promise<void>;
  readonly onError: (hint: Hint, error: unknown) => void;
  /** Told the number of waiting repositories whenever it changes (a gauge). */
  readonly onPending?: (waiting: number) => void;
}

interface Entry {
  tags: Set<string>;
  relist: boolean;
  /** More than `maxTags` were hinted: the listing answers for all of them. */
  overflowed: boolean;
}

export function createHintQueue(options: HintQueueOptions): HintQueue {
  const { concurrency, maxRepositories, maxTags } = options;
  const waiting = new Map<string, Entry>();
  const running = new Set<string>();
  let idleWaiters: (() => void)[] = [];

  function settleIdle() {
    if (waiting.size > 0 || running.size > 0) return;
    for (const resolve of idleWaiters) resolve();
    idleWaiters = [];
  }

  const reportPending = () => options.onPending?.(waiting.size);

  function start(repository: string, entry: Entry) {
    waiting.delete(repository);
    reportPending();
    running.add(repository);
    const hint: Hint = { repository, tags: entry.tags, relist: entry.relist };
    void options
      .run(hint)
      .catch((error: unknown) => options.onError(hint, error))
      .finally(() => {
        running.delete(repository);
        pump();
        settleIdle();
      });
  }

  /** Starts waiting repositories, oldest first, skipping any already running. */
  function pump() {
    for (const [repository, entry] of waiting) {
      if (running.size >= concurrency) return;
      if (!running.has(repository)) start(repository, entry);
    }
  }

  function join(entry: Entry, tags: Iterable<string>, relist: boolean) {
    entry.relist ||= relist;
    if (entry.overflowed) return;
    for (const tag of tags) {
      entry.tags.add(tag);
      if (entry.tags.size > maxTags) {
        // One listing answers for every tag: stop holding (and later HEADing) them one by one.
        entry.overflowed = true;
        entry.relist = true;
        entry.tags.clear();
        return;
      }
    }
  }

  return {
    add(repository, tags, relist) {
      const seen = waiting.get(repository);
      if (seen !== undefined) {
        join(seen, tags, relist);
        return "joined";
      }
      if (waiting.size >= maxRepositories) return "full";
      const entry: Entry = { tags: new Set(), relist: false, overflowed: false };
      join(entry, tags, relist);
      waiting.set(repository, entry);
      reportPending();
      pump();
      return "queued";
    },
    pending: () => waiting.size,
    idle() {
      if (waiting.size === 0 && running.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
