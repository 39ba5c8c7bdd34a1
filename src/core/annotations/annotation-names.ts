/** Every annotation Headwind reads or writes, named once. The names are the original Headwind's. */
export const annotations = {
  policy: "headwind.sh/policy",
  pattern: "headwind.sh/pattern",
  constraint: "headwind.sh/constraint",
  requireApproval: "headwind.sh/require-approval",
  minUpdateInterval: "headwind.sh/min-update-interval",
  images: "headwind.sh/images",
  eventSource: "headwind.sh/event-source",
  pollingInterval: "headwind.sh/polling-interval",
  autoRollback: "headwind.sh/auto-rollback",
  rollbackTimeout: "headwind.sh/rollback-timeout",
  healthCheckRetries: "headwind.sh/health-check-retries",
  includePrereleases: "headwind.sh/include-prereleases",
  exclude: "headwind.sh/exclude",
  /** Written by Headwind. */
  updateHistory: "headwind.sh/update-history",
  lastUpdate: "headwind.sh/last-update",
  errors: "headwind.sh/errors",
} as const;
