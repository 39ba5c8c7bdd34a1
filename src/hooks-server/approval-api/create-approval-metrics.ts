/** The approval API's metrics, on the hooks server's registry (never the global one). */
import { Counter, type Registry } from "prom-client";

export interface ApprovalMetrics {
  /** The original's names; it declared both and never incremented the rejected one. */
  readonly approved: Counter;
  readonly rejected: Counter;
  readonly requests: Counter<"route" | "code">;
}

export function createApprovalMetrics(registry: Registry): ApprovalMetrics {
  const registers = [registry];
  return {
    approved: new Counter({
      name: "headwind_updates_approved_total",
      help: "UpdateRequests approved through the approval API",
      registers,
    }),
    rejected: new Counter({
      name: "headwind_updates_rejected_total",
      help: "UpdateRequests rejected through the approval API",
      registers,
    }),
    requests: new Counter({
      name: "headwind_api_requests_total",
      help: "Approval API requests by route and HTTP status",
      labelNames: ["route", "code"],
      registers,
    }),
  };
}
