import { describe, expect, it } from "vitest";
import { parseUpdateWindows } from "../../../../src/core/windows/parse-update-windows.ts";
import { windowState } from "../../../../src/core/windows/window-state.ts";

/** The decision at an injected instant: "open", or the ISO time the next window opens. */
function decide(text: string, now: string): string {
  const parsed = parseUpdateWindows(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const state = windowState(parsed.value, Date.parse(now));
  return state.open ? "open" : new Date(state.opensAt).toISOString();
}

const berlinWeekdays = "Mon-Fri 02:00-04:00 Europe/Berlin";

describe("windowState", () => {
  it.each([
    // Ordinary weeks.
    ["inside, summer time", berlinWeekdays, "2025-06-02T00:30:00Z", "open"],
    ["at the start (inclusive)", berlinWeekdays, "2025-06-02T00:00:00Z", "open"],
    [
      "at the end (exclusive): the next weekday",
      berlinWeekdays,
      "2025-06-02T02:00:00Z",
      "2025-06-03T00:00:00.000Z",
    ],
    ["before it, the same day", berlinWeekdays, "2025-06-01T23:00:00Z", "2025-06-02T00:00:00.000Z"],
    ["Friday evening: Monday", berlinWeekdays, "2025-06-06T18:00:00Z", "2025-06-09T00:00:00.000Z"],
    ["winter time shifts the UTC hour", berlinWeekdays, "2025-01-06T00:30:00Z", "2025-01-06T01:00:00.000Z"],
    ["winter, inside", berlinWeekdays, "2025-01-06T01:30:00Z", "open"],
    ["UTC by default", "10:00-11:00", "2025-06-02T09:59:59Z", "2025-06-02T10:00:00.000Z"],
    ["a quarter-hour zone", "12:00-13:00 Asia/Kathmandu", "2025-06-02T00:00:00Z", "2025-06-02T06:15:00.000Z"],
    [
      "the local date, not the UTC one",
      "Mon 08:00-09:00 Asia/Tokyo",
      "2025-06-01T22:30:00Z",
      "2025-06-01T23:00:00.000Z",
    ],
    // Windows past midnight belong to the day they start.
    ["overnight, after midnight", "Fri 22:00-02:00", "2025-06-07T01:00:00Z", "open"],
    ["overnight, before midnight", "Fri 22:00-02:00", "2025-06-06T23:00:00Z", "open"],
    ["overnight, over: next Friday", "Fri 22:00-02:00", "2025-06-07T02:00:00Z", "2025-06-13T22:00:00.000Z"],
    [
      "overnight, not on Thursday night",
      "Fri 22:00-02:00",
      "2025-06-06T01:00:00Z",
      "2025-06-06T22:00:00.000Z",
    ],
    ["until midnight", "Tue 23:00-24:00", "2025-06-03T23:59:59Z", "open"],
    // Several windows, several zones: the earliest opening wins.
    [
      "two zones",
      "Mon-Fri 02:00-04:00 Europe/Berlin; Sat,Sun 10:00-12:00 America/New_York",
      "2025-06-06T03:00:00Z",
      "2025-06-07T14:00:00.000Z",
    ],
    ["either window open", "Mon 01:00-02:00; Mon 05:00-06:00", "2025-06-02T05:30:00Z", "open"],
    [
      "between two windows",
      "Mon 01:00-02:00; Mon 05:00-06:00",
      "2025-06-02T03:00:00Z",
      "2025-06-02T05:00:00.000Z",
    ],
    ["always", "always", "2025-06-02T03:00:00Z", "open"],
    // Spring forward in Berlin (2025-03-30, 02:00 CET → 03:00 CEST at 01:00Z).
    [
      "spring: before the skipped start",
      "Sun 02:00-04:00 Europe/Berlin",
      "2025-03-30T00:30:00Z",
      "2025-03-30T01:00:00.000Z",
    ],
    [
      "spring: open when the clocks land inside",
      "Sun 02:00-04:00 Europe/Berlin",
      "2025-03-30T01:00:00Z",
      "open",
    ],
    [
      "spring: an hour shorter",
      "Sun 02:00-04:00 Europe/Berlin",
      "2025-03-30T02:00:00Z",
      "2025-04-06T00:00:00.000Z",
    ],
    [
      "spring: a window wholly skipped waits a week",
      "Sun 02:15-02:45 Europe/Berlin",
      "2025-03-29T12:00:00Z",
      "2025-04-06T00:15:00.000Z",
    ],
    ["spring: the hour before is untouched", "Sun 01:00-02:00 Europe/Berlin", "2025-03-30T00:59:00Z", "open"],
    [
      "spring: New York",
      "Sun 02:30-03:30 America/New_York",
      "2025-03-09T06:00:00Z",
      "2025-03-09T07:00:00.000Z",
    ],
    [
      "spring: Lord Howe's half hour",
      "Sun 02:00-03:00 Australia/Lord_Howe",
      "2025-10-04T14:00:00Z",
      "2025-10-04T15:30:00.000Z",
    ],
    // Fall back in Berlin (2025-10-26, 03:00 CEST → 02:00 CET at 01:00Z): 02:00-03:00 happens twice.
    [
      "fall: opens at the first 02:00",
      "Sun 02:00-03:00 Europe/Berlin",
      "2025-10-25T22:00:00Z",
      "2025-10-26T00:00:00.000Z",
    ],
    ["fall: the first pass", "Sun 02:00-03:00 Europe/Berlin", "2025-10-26T00:59:00Z", "open"],
    ["fall: the repeated pass", "Sun 02:00-03:00 Europe/Berlin", "2025-10-26T01:30:00Z", "open"],
    [
      "fall: over after the second 03:00",
      "Sun 02:00-03:00 Europe/Berlin",
      "2025-10-26T02:00:00Z",
      "2025-11-02T01:00:00.000Z",
    ],
    ["fall: Sydney (southern autumn)", "Sun 02:00-03:00 Australia/Sydney", "2025-04-05T15:30:00Z", "open"],
    ["fall: Sydney, second pass", "Sun 02:00-03:00 Australia/Sydney", "2025-04-05T16:30:00Z", "open"],
    // Samoa skipped Friday 2011-12-30 entirely: the next Friday.
    ["a skipped day", "Fri 10:00-12:00 Pacific/Apia", "2011-12-29T20:00:00Z", "2012-01-05T20:00:00.000Z"],
  ])("%s", (_, text, now, expected) => {
    expect(decide(text, now)).toBe(expected);
  });

  it("no windows: open", () => {
    expect(windowState([], Date.parse("2025-06-02T03:00:00Z"))).toEqual({ open: true });
  });

  it("the next opening is always in the future and the window is open then", () => {
    const parsed = parseUpdateWindows("Mon-Fri 02:00-04:00 Europe/Berlin; Sun 02:15-02:45 America/New_York");
    if (!parsed.ok) throw new Error(parsed.error);
    const start = Date.parse("2025-01-01T00:00:00Z");
    for (let t = start; t < start + 366 * 86_400_000; t += 25_207_000) {
      const state = windowState(parsed.value, t);
      if (state.open) continue;
      expect(state.opensAt).toBeGreaterThan(t);
      expect(windowState(parsed.value, state.opensAt)).toEqual({ open: true });
      expect(windowState(parsed.value, state.opensAt - 1000).open).toBe(false);
    }
  });
});
