/**
 * Gauges of the UpdateRequests in the whole cluster, read from the apiserver when Prometheus
 * scrapes: the hooks are stateless, so no replica could count them from the calls it happens to
 * answer. Every replica reports the same numbers (queries take the max). One LIST serves the
 * gauges of one scrape; when it fails, the counts are absent, the age is NaN (unknown, so no alert
 * fires on a stale value) and an error counter moves.
 */

import type { Logger } from "pino";
import { Counter, Gauge, type Registry } from "prom-client";
import type { Clock } from "../../core/time/clock.ts";
import {
  summarizeUpdateRequests,
  type UpdateRequestSummary,
} from "../../core/updaterequests/summarize-update-requests.ts";
import { phases, type UpdateRequest } from "../../core/updaterequests/update-request.ts";

export interface UpdateRequestGaugeDeps {
  readonly registry: Registry;
  /** Every UpdateRequest in every namespace. */
  readonly list: () => Promise<readonly UpdateRequest[]>;
  readonly clock: Clock;
  readonly logger: Logger;
}

export function createUpdateRequestGauges(deps: UpdateRequestGaugeDeps): void {
  const registers = [deps.registry];
  let inFlight: Promise<UpdateRequestSummary | undefined> | undefined;
  const summary = () => {
    inFlight ??= deps
      .list()
      .then(
        (items) => summarizeUpdateRequests(items, deps.clock()),
        (error: unknown) => {
          listErrors.inc();
          deps.logger.warn({ err: error }, "could not list UpdateRequests for the metrics");
          return undefined;
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  const listErrors = new Counter({
    name: "headwind_updaterequests_list_errors_total",
    help: "Scrapes whose LIST of UpdateRequests failed (the UpdateRequest gauges were unknown)",
    registers,
    // Waits for this scrape's LIST, so a failure shows in the same scrape.
    async collect() {
      await summary();
    },
  });
  new Gauge({
    name: "headwind_updaterequests",
    help: "UpdateRequests in the cluster by phase, read from the apiserver at scrape time",
    labelNames: ["phase"] as const,
    registers,
    async collect() {
      const known = await summary();
      this.reset();
      if (known) for (const phase of phases) this.set({ phase }, known.byPhase[phase]);
    },
  });
  new Gauge({
    name: "headwind_pending_approval_oldest_seconds",
    help: "Age of the oldest UpdateRequest waiting for a person's approval (0 when none waits)",
    registers,
    async collect() {
      this.set((await summary())?.oldestPendingApprovalSeconds ?? Number.NaN);
    },
  });
}
