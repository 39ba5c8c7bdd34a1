/** Every annotation and label Headwind reads or writes, named once. The annotation names are the original Headwind's. */
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
  updateWindow: "headwind.sh/update-window",
  minImageAge: "headwind.sh/min-image-age",
  gitops: "headwind.sh/gitops",
  /** Written by Headwind. */
  updateHistory: "headwind.sh/update-history",
  lastUpdate: "headwind.sh/last-update",
  errors: "headwind.sh/errors",
  /** On a tag ConfigMap: the repository it observes (a label value cannot hold it). */
  repository: "headwind.sh/repository",
  /** On a tag ConfigMap: why the latest poll failed; absent after a successful one. */
  pollError: "headwind.sh/poll-error",
} as const;

/** Every label Headwind sets, named once. */
export const labels = {
  /** Marks a tag ConfigMap. */
  tags: "headwind.sh/tags",
  /** On a tag ConfigMap of a namespace's own credential scope: that namespace. */
  tagsNamespace: "headwind.sh/namespace",
  /** On an UpdateRequest: its target, so people can select requests by workload. */
  targetKind: "headwind.sh/target-kind",
  targetName: "headwind.sh/target-name",
} as const;
