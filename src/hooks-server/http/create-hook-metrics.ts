/** The hooks server's metrics, on a registry the composition root passes in (never the global one). */
import { Counter, Histogram, type Registry } from "prom-client";

export interface HookMetrics {
  readonly requests: Counter<"hook" | "code">;
  readonly duration: Histogram<"hook">;
  readonly reconcileErrors: Counter<"hook" | "reason">;
  readonly annotationErrors: Counter<"kind">;
  readonly proposed: Counter<"kind">;
  readonly deferred: Counter<"kind">;
  readonly transitions: Counter<"phase">;
  readonly effects: Counter<"type" | "result">;
  readonly invalidTags: Counter;
  readonly unauthorized: Counter<"reason">;
  readonly refused: Counter<"reason">;
}

export function createHookMetrics(registry: Registry): HookMetrics {
  const registers = [registry];
  return {
    requests: new Counter({
      name: "headwind_hook_requests_total",
      help: "Hook calls by hook and HTTP status",
      labelNames: ["hook", "code"],
      registers,
    }),
    duration: new Histogram({
      name: "headwind_reconcile_duration_seconds",
      help: "Time to answer a hook call",
      labelNames: ["hook"],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
      registers,
    }),
    reconcileErrors: new Counter({
      name: "headwind_reconcile_errors_total",
      help: "Hook calls answered with an error",
      labelNames: ["hook", "reason"],
      registers,
    }),
    annotationErrors: new Counter({
      name: "headwind_annotation_errors_total",
      help: "Invalid headwind.sh annotations seen",
      labelNames: ["kind"],
      registers,
    }),
    proposed: new Counter({
      name: "headwind_updates_proposed_total",
      help: "UpdateRequests proposed",
      labelNames: ["kind"],
      registers,
    }),
    deferred: new Counter({
      name: "headwind_updates_skipped_interval_total",
      help: "Proposals deferred by min-update-interval",
      labelNames: ["kind"],
      registers,
    }),
    transitions: new Counter({
      name: "headwind_updaterequest_transitions_total",
      help: "UpdateRequest phase changes",
      labelNames: ["phase"],
      registers,
    }),
    effects: new Counter({
      name: "headwind_effects_total",
      help: "Effects run by result",
      labelNames: ["type", "result"],
      registers,
    }),
    invalidTags: new Counter({
      name: "headwind_hook_invalid_tags_total",
      help: "Tags and digests read from tag ConfigMaps that broke the OCI grammar and were left out",
      registers,
    }),
    unauthorized: new Counter({
      name: "headwind_hook_unauthorized_total",
      help: "Hook calls answered 401: credential missing or invalid",
      labelNames: ["reason"],
      registers,
    }),
    refused: new Counter({
      name: "headwind_effects_refused_total",
      help: "Effects refused because the live cluster did not back the request (no patch, no notification)",
      labelNames: ["reason"],
      registers,
    }),
  };
}
