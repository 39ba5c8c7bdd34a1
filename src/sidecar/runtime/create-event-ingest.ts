/**
 * `onEvents` for the webhook receiver: turns a delivery's events into hints and queues them, then
 * returns at once — the delivery is answered without waiting for any registry. Only
 * repositories some workload uses are considered: any other is counted and dropped before any
 * outbound request, so a webhook can never make the sidecar contact a registry no image in the
 * cluster comes from. A delivery is worth at most `maxHintsPerDelivery` distinct hints — a
 * (repository, tag) pair, or a repository for a push without a tag; the rest are counted and
 * dropped, and the vendor still gets its 202. The queue (`createHintQueue`) bounds the rest.
 */
import type { Logger } from "pino";
import type { ImageEvent } from "../webhooks/vendors/image-event.ts";
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

/** `overLimit`: entries the parser already left unread; counted with the hints dropped here. */
export type OnEvents = (events: ImageEvent[], source: string, overLimit?: number) => Promise<void>;

interface Hints {
  readonly tags: Set<string>;
  relist: boolean;
}

interface Collected {
  readonly byRepository: Map<string, Hints>;
  readonly notInUse: number;
  readonly overLimit: number;
}

/** A delivery's hints per repository in use, at most `maxHints` distinct ones, and what was dropped. */
function collectHints(events: readonly ImageEvent[], interest: InterestSet, maxHints: number): Collected {
  const byRepository = new Map<string, Hints>();
  let hints = 0;
  let notInUse = 0;
  let overLimit = 0;
  for (const event of events) {
    const repository = `${event.registry}/${event.repository}`;
    if (!interest.repositories.has(repository)) {
      notInUse += 1;
      continue;
    }
    const seen = byRepository.get(repository) ?? { tags: new Set<string>(), relist: false };
    const fresh = event.tag === undefined ? !seen.relist : !seen.tags.has(event.tag);
    if (!fresh) continue;
    if (hints >= maxHints) {
      overLimit += 1;
      continue;
    }
    hints += 1;
    if (event.tag === undefined) seen.relist = true;
    else seen.tags.add(event.tag);
    byRepository.set(repository, seen);
  }
  return { byRepository, notInUse, overLimit };
}

export function createEventIngest(deps: EventIngestDeps): OnEvents {
  const { metrics, logger } = deps;
  const maxHints = deps.maxHintsPerDelivery ?? 100;
  const ignore = (reason: IgnoredEventReason, count = 1) => metrics.ignoredEvents.inc({ reason }, count);

  return async (events, source, unread = 0) => {
    const interest = deps.interest();
    // A 503 makes the vendor retry once we know which repositories are in use.
    if (interest === undefined) throw new Error("the interest set is not loaded yet");
    const { byRepository, notInUse, overLimit } = collectHints(events, interest, maxHints);
    // Counted once per delivery: a forged one must not cost a metric update per entry.
    if (notInUse > 0) ignore("not_in_use", notInUse);
    if (overLimit + unread > 0) ignore("over_limit", overLimit + unread);
    for (const [repository, { tags, relist }] of byRepository) {
      const added = deps.queue.add(repository, tags, relist);
      if (added === "full") ignore("queue_full", tags.size + (relist ? 1 : 0));
      logger.debug({ source, repository, tags: tags.size, relist, added }, "webhook hint queued");
    }
  };
}
