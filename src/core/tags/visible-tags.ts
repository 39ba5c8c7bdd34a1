/**
 * Which tag observations a workload may use: credentials never cross namespaces. What a
 * namespace's own pull secrets read is visible to that namespace only; the shared scope
 * (anonymous, or the operator's credentials) to everyone. Judged by the data, never by a name.
 */
import type { ObservedTags } from "./tag-configmap.ts";

/**
 * One item per repository for a workload in `namespace`: its own scope wins over the shared one.
 * `observedOf` reads the observation an item carries (the hooks keep it beside a tag index).
 */
export function visibleTags<T>(
  items: Iterable<T>,
  namespace: string,
  observedOf: (item: T) => ObservedTags,
): Map<string, T> {
  const visible = new Map<string, T>();
  const scopeOf = new Map<string, string | undefined>();
  for (const item of items) {
    const { repository, namespace: scope } = observedOf(item);
    if (scope !== undefined && scope !== namespace) continue;
    // A namespace's own read is never replaced by the shared one, whatever the order.
    if (scope === undefined && scopeOf.get(repository) !== undefined) continue;
    visible.set(repository, item);
    scopeOf.set(repository, scope);
  }
  return visible;
}
