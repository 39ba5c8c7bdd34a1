/**
 * Which tag observations a workload may use: credentials never cross namespaces (issue 8 §5).
 * What a namespace's own pull secrets read is visible to that namespace only; the shared scope
 * (anonymous, or the operator's credentials) to everyone. Judged by the data, never by a name.
 */
import type { ObservedTags } from "./tag-configmap.ts";

/** One observation per repository for a workload in `namespace`: its own scope wins over the shared one. */
export function visibleTags(
  observations: Iterable<ObservedTags>,
  namespace: string,
): Map<string, ObservedTags> {
  const visible = new Map<string, ObservedTags>();
  for (const observed of observations) {
    if (observed.namespace === undefined) {
      if (visible.get(observed.repository)?.namespace === undefined)
        visible.set(observed.repository, observed);
    } else if (observed.namespace === namespace) {
      visible.set(observed.repository, observed);
    }
  }
  return visible;
}
