/**
 * Wall-clock time in an IANA time zone, with Node's built-in Intl (full ICU ships with Node 20):
 * what the clock on the wall says at an instant, and the instant a wall time first happens. DST
 * gaps and folds are answered here once, so window logic never sees an offset.
 */

export interface WallTime {
  /** The local calendar date as a UTC midnight, so dates can be stepped with plain arithmetic. */
  readonly dateMs: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  /** Minutes since local midnight, 0–1439. */
  readonly minute: number;
}

export interface TimeZone {
  /** The name as given (Intl may know it under an older canonical spelling, `Asia/Katmandu`). */
  readonly name: string;
  wallTime(instantMs: number): WallTime;
  /**
   * The first instant at which the local clock reads `minute` (or later) on the date `dateMs`: in a
   * fold the earlier of the two, in a gap the moment the clocks jump over it.
   */
  instantOf(dateMs: number, minute: number): number;
}

const dayMs = 86_400_000;
const zoneName = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/** A time zone, or undefined when Intl does not know the name. */
export function createTimeZone(name: string): TimeZone | undefined {
  if (!zoneName.test(name)) return undefined;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return undefined;
  }

  /** The local clock's reading at the instant, written as if it were UTC. */
  function localAsUtc(instantMs: number): number {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(instantMs)) {
      if (part.type !== "literal") parts[part.type] = Number(part.value);
    }
    const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
    return Date.UTC(year, month - 1, day, hour, minute, second);
  }

  const offsetAt = (instantMs: number) => localAsUtc(instantMs) - Math.floor(instantMs / 1000) * 1000;

  return {
    name,
    wallTime(instantMs) {
      const local = localAsUtc(instantMs);
      const dateMs = Math.floor(local / dayMs) * dayMs;
      return {
        dateMs,
        weekday: new Date(dateMs).getUTCDay(),
        minute: Math.floor((local - dateMs) / 60_000),
      };
    },
    instantOf(dateMs, minute) {
      const wall = dateMs + minute * 60_000;
      // Real zones change offset at most once within a day either side of any wall time.
      const before = offsetAt(wall - dayMs);
      const after = offsetAt(wall + dayMs);
      const valid = [wall - before, wall - after].filter((t) => offsetAt(t) === wall - t);
      if (valid.length > 0) return Math.min(...valid);
      // A gap: the offset jumps from `before` to `after` somewhere in (wall - after, wall - before].
      let low = wall - after;
      let high = wall - before;
      while (high - low > 1000) {
        const mid = low + Math.max(1, Math.floor((high - low) / 2000)) * 1000;
        if (offsetAt(mid) === after) high = mid;
        else low = mid;
      }
      return high;
    },
  };
}
