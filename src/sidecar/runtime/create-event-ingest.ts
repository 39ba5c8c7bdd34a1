/**
 * `onEvents` for the webhook receiver: turns a delivery's events into hints and queues them, then
 * returns at once — the delivery is answered without waiting for any registry (issue 8 §4). Only
 * repositories some workload uses are considered: any other is counted and dropped before any
 * outbound request, so a webhook can never make the sidecar contact a registry no image in the
 * cluster comes from. A delivery is worth at most `maxHintsPerDelivery` distinct hints — a
 * (repository, tag) pair, or a repository for a push without a tag; the rest are counted and
 * dropped, and the vendor still gets its 202. The queue (`createHintQueue`) bounds the rest.
 */
import type { Logger } from "pino";
import type { ImageEvent } from "../webhooks/image-event.ts";
import type { InterestSet } from "./build-interest.ts";
import type { HintQueue } from "./create-hint-queue.ts";
import type { IgnoredEventReason, SidecarMetrics } from "./create-sidecar-metrics.ts";

export interface EventIngestDeps {
  /** The latest interest set; undefined until the first interest LIST succeeded. */
  readonly interest: () => InterestSet | undefined;
  readonly queue: Pick<HintQueue, "add">;
  readonly metrics: Pick<SidecarMetrics, "ignoredEvents">;
  readonly logger: Logger;
  /** Default 100. */
  readonly maxHintsPerDelivery?: number;
}

export type OnEvents = (events: ImageEvent[], source: string) => Promise<void>;

interface Hints {
  readonly tags: Set<string>;
  relist: boolean;
}

/** A delivery's hints per repository in use, at most `maxHints` distinct ones; counts what it drops. */
function collectHints(
  events: readonly ImageEvent[],
  interest: InterestSet,
  maxHints: number,
  ignore: (reason: IgnoredEventReason) => void,
): Map<string, Hints> {
  const byRepository = new Map<string, Hints>();
  let hints = 0;
  for (const event of events) {
    const repository = `${event.registry}/${event.repository}`;
    if (!interest.repositories.has(repository)) {
      ignore("not_in_use");
      continue;
    }
    const seen = byRepository.get(repository) ?? { tags: new Set<string>(), relist: false };
    const fresh = event.tag === undefined ? !seen.relist : !seen.tags.has(event.tag);
    if (!fresh) continue;
    if (hints >= maxHints) {
      ignore("over_limit");
      continue;
    }
    hints += 1;
    if (event.tag === undefined) seen.relist = true;
    else seen.tags.add(event.tag);
    byRepository.set(repository, seen);
  }
  return byRepository;
}

export function createEventIngest(deps: EventIngestDeps): OnEvents {
  const { metrics, logger } = deps;
  const maxHints = deps.maxHintsPerDelivery ?? 100;
  const ignore = (reason: IgnoredEventReason, count = 1) => metrics.ignoredEvents.inc({ reason }, count);

  return async (events, source) => {
    const interest = deps.interest();
    // A 503 makes the vendor retry once we know which repositories are in use.
    if (interest === undefined) throw new Error("the interest set is not loaded yet");
    for (const [repository, { tags, relist }] of collectHints(events, interest, maxHints, ignore)) {
      const added = deps.queue.add(repository, tags, relist);
      if (added === "full") ignore("queue_full", tags.size + (relist ? 1 : 0));
      logger.debug({ source, repository, tags: tags.size, relist, added }, "webhook hint queued");
    }
  };
}
