/**
 * When each tag came into existence, for `headwind.sh/min-image-age`: kept in the tag ConfigMap
 * under `data.times` (its own version field, so readers that predate it ignore it and a reader
 * never guesses at a layout it does not know). A tag's birth is the registry's creation time where
 * the image config (or a chart's index entry) says it, else when the sidecar first saw it, else —
 * for tags already there when the repository was first listed — that first listing (`since`).
 * Only tags younger than the longest allowed minimum age need an entry, so the key stays small.
 */

export interface TagTimes {
  /** Epoch seconds of the repository's first listing. */
  readonly since: number;
  /** Tag → epoch seconds the registry says it was created. */
  readonly created: Readonly<Record<string, number>>;
  /** Tag → epoch seconds the sidecar first saw it (tags that appeared after `since`). */
  readonly seen: Readonly<Record<string, number>>;
}

export const tagTimesKey = "times";
export const tagTimesVersion = 1;
/** The longest `headwind.sh/min-image-age`; entries older than this can never matter. */
export const maxMinImageAgeSeconds = 90 * 86_400;
/**
 * Creation times outside [2000-01-01, now + 1 h] are not believed: reproducible builds stamp the
 * Unix epoch (or a fixed SOURCE_DATE_EPOCH), which would make every new tag look ancient.
 */
export const earliestBelievableCreated = 946_684_800;
const futureSlackSeconds = 3600;

/** The epoch seconds a tag came into existence, as far as Headwind knows. */
export function bornAt(times: TagTimes, tag: string): number {
  return times.created[tag] ?? times.seen[tag] ?? times.since;
}

export function isBelievableCreated(created: number, nowSeconds: number): boolean {
  return (
    Number.isInteger(created) &&
    created >= earliestBelievableCreated &&
    created <= nowSeconds + futureSlackSeconds
  );
}

function isSecondsRecord(value: unknown): value is Record<string, number> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => Number.isInteger(v) && v >= 0)
  );
}

/** Undefined for a missing, unreadable or newer-versioned key: ages are then unknown, never guessed. */
export function parseTagTimes(text: string | undefined): TagTimes | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { v, since, created, seen } = (parsed ?? {}) as Record<string, unknown>;
  if (v !== tagTimesVersion || !Number.isInteger(since) || (since as number) < 0) return undefined;
  if (!isSecondsRecord(created) || !isSecondsRecord(seen)) return undefined;
  return { since: since as number, created, seen };
}

function only(record: Readonly<Record<string, number>>, tags: ReadonlySet<string>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(record)
      .filter(([tag]) => tags.has(tag))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** The `data.times` text for the tags kept in the ConfigMap (sorted, so equal content is equal text). */
export function encodeTagTimes(times: TagTimes, kept: readonly string[]): string {
  const tags = new Set(kept);
  return JSON.stringify({
    v: tagTimesVersion,
    since: times.since,
    created: only(times.created, tags),
    seen: only(times.seen, tags),
  });
}

export interface TimesBefore {
  readonly tags: readonly string[];
  readonly times?: TagTimes | undefined;
}

/**
 * The times after a new observation of `tags`: earlier knowledge carried over, tags not listed
 * before marked seen now (nothing is marked on a repository's first listing: those tags' age is
 * `since`), creation times learnt now added, and entries that can no longer matter dropped.
 */
interface Listing {
  /** Tags the ConfigMap held; a tag not among them is new. */
  readonly known: ReadonlySet<string>;
  /** False for a first listing (no ConfigMap, or one holding only an error): nothing is new then. */
  readonly listedBefore: boolean;
  readonly seen: Readonly<Record<string, number>>;
}

function listingOf(before: TimesBefore | undefined): Listing {
  const known = new Set(before?.tags ?? []);
  const listedBefore = before !== undefined && (before.times !== undefined || known.size > 0);
  return { known, listedBefore, seen: before?.times?.seen ?? {} };
}

/** When the sidecar first saw `tag`: as recorded, now if it is new to a listed repository, else unknown. */
function firstSeenOf(listing: Listing, tag: string, nowSeconds: number): number | undefined {
  const recorded = listing.seen[tag];
  if (recorded !== undefined) return recorded;
  return listing.listedBefore && !listing.known.has(tag) ? nowSeconds : undefined;
}

export function advanceTagTimes(
  before: TimesBefore | undefined,
  tags: readonly string[],
  nowSeconds: number,
  learntCreated: Readonly<Record<string, number>> = {},
): TagTimes {
  const since = before?.times?.since ?? nowSeconds;
  const cutoff = nowSeconds - maxMinImageAgeSeconds;
  const listing = listingOf(before);
  const created: Record<string, number> = {};
  const seen: Record<string, number> = {};
  for (const tag of new Set(tags)) {
    const firstSeen = firstSeenOf(listing, tag, nowSeconds);
    // Older than any minimum age by every measure: the `since` fallback answers the same.
    if ((firstSeen ?? since) < cutoff) continue;
    if (firstSeen !== undefined) seen[tag] = firstSeen;
    const when = before?.times?.created[tag] ?? learntCreated[tag];
    if (when !== undefined) created[tag] = when;
  }
  return { since, created, seen };
}
