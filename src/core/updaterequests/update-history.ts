/**
 * The `headwind.sh/update-history` annotation: newest first, at most `limit` entries per
 * container, built from finished UpdateRequests and merged with what the annotation already
 * holds, so history outlives the requests it came from. A deterministic function of the request:
 * the same input always writes the same text, so the write never re-triggers a sync. In core
 * because people's tools read it to offer a rollback.
 */
import { phaseOf, type UpdateRequest } from "./update-request.ts";

export interface HistoryEntry {
  container: string;
  image: string;
  /** What ran before: the original Headwind never kept it, so its first rollback had nowhere to go. */
  previousImage?: string;
  timestamp: string;
  updateRequestName?: string;
  approvedBy?: string;
  /** Set when a person rolled the container back to `image`. */
  type?: "rollback";
}

export const autoRollbackActor = "headwind-auto-rollback";

function isEntry(value: unknown): value is HistoryEntry {
  const e = value as Partial<HistoryEntry> | null;
  return typeof e?.container === "string" && typeof e.image === "string" && typeof e.timestamp === "string";
}

export function parseHistory(text: string | undefined): HistoryEntry[] {
  if (text === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    return [];
  }
}

function entryOf(ur: UpdateRequest): HistoryEntry | undefined {
  const phase = phaseOf(ur);
  const at = ur.status?.completedAt;
  if (at === undefined) return undefined;
  const base = { container: ur.spec.containerName, timestamp: at, updateRequestName: ur.metadata.name };
  if (phase === "Completed") {
    const approvedBy = ur.status?.approvedBy;
    return {
      ...base,
      image: ur.spec.newImage,
      previousImage: ur.spec.currentImage,
      ...(approvedBy ? { approvedBy } : {}),
      ...(ur.spec.type === "rollback" ? { type: "rollback" as const } : {}),
    };
  }
  if (phase === "RolledBack") {
    return {
      ...base,
      image: ur.spec.currentImage,
      previousImage: ur.spec.newImage,
      approvedBy: autoRollbackActor,
    };
  }
  return undefined;
}

export function mergeHistory(
  existing: readonly HistoryEntry[],
  urs: readonly UpdateRequest[],
  limit: number,
): HistoryEntry[] {
  const byKey = new Map<string, HistoryEntry>();
  for (const entry of [...existing, ...urs.flatMap((ur) => entryOf(ur) ?? [])]) {
    byKey.set(`${entry.updateRequestName ?? entry.timestamp}/${entry.container}/${entry.image}`, entry);
  }
  const sorted = [...byKey.values()].sort(
    (a, b) => b.timestamp.localeCompare(a.timestamp) || a.container.localeCompare(b.container),
  );
  const perContainer = new Map<string, number>();
  return sorted.filter((entry) => {
    const count = (perContainer.get(entry.container) ?? 0) + 1;
    perContainer.set(entry.container, count);
    return count <= limit;
  });
}
