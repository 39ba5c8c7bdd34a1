/** The sidecar's own metrics (leadership, writes, ignored events, interest), on a Registry the caller owns. */
import { Counter, Gauge, type Registry } from "prom-client";

export const configMapWriteResults = ["applied", "unchanged", "deleted", "conflict", "error"] as const;
export type ConfigMapWriteResult = (typeof configMapWriteResults)[number];

export const ignoredEventReasons = [
  "not_in_use",
  "over_limit",
  "queue_full",
  "not_in_registry",
  "unconfirmed",
] as const;
export type IgnoredEventReason = (typeof ignoredEventReasons)[number];

export interface SidecarMetrics {
  /** 1 while this replica holds the Lease. */
  readonly leader: Gauge;
  readonly configMapWrites: Counter<"result">;
  readonly ignoredEvents: Counter<"reason">;
  /** Repositories in use (polled or webhook-only) after the latest interest LIST. */
  readonly interestRepositories: Gauge;
  /** Repositories whose webhook hints wait for the registry. */
  readonly hintQueue: Gauge;
}

export function createSidecarMetrics(register: Registry): SidecarMetrics {
  const registers = [register];
  const metrics: SidecarMetrics = {
    leader: new Gauge({
      name: "headwind_sidecar_leader",
      help: "1 while this replica holds the headwind-sidecar Lease (polls, writes poll results, cleans up)",
      registers,
    }),
    configMapWrites: new Counter({
      name: "headwind_sidecar_configmap_writes_total",
      help: "Tag ConfigMap writes by result: applied, unchanged (skipped), deleted, conflict, error",
      labelNames: ["result"] as const,
      registers,
    }),
    ignoredEvents: new Counter({
      name: "headwind_sidecar_ignored_events_total",
      help: "Webhook image hints not recorded, by reason (not_in_use, over_limit, queue_full, not_in_registry, unconfirmed)",
      labelNames: ["reason"] as const,
      registers,
    }),
    interestRepositories: new Gauge({
      name: "headwind_sidecar_interest_repositories",
      help: "Repositories used by annotated workloads after the latest interest LIST",
      registers,
    }),
    hintQueue: new Gauge({
      name: "headwind_sidecar_hint_queue_repositories",
      help: "Repositories whose webhook hints wait for a registry check",
      registers,
    }),
  };
  metrics.leader.set(0);
  return metrics;
}
