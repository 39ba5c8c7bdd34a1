import { describe, expect, it } from "vitest";
import { createTimeZone, type TimeZone } from "../../../../src/core/time/time-zone.ts";

function zone(name: string): TimeZone {
  const tz = createTimeZone(name);
  if (tz === undefined) throw new Error(`no zone ${name}`);
  return tz;
}

const date = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const at = (iso: string) => new Date(Date.parse(iso)).toISOString();
const hm = (h: number, m = 0) => h * 60 + m;

describe("createTimeZone", () => {
  it.each(["Europe/Berlin", "America/New_York", "Asia/Kathmandu", "UTC", "Etc/GMT+5"])("knows %s", (name) => {
    expect(createTimeZone(name)?.name).toBe(name);
  });

  it("keeps the name as written, in any case Intl accepts", () => {
    expect(createTimeZone("utc")?.name).toBe("utc");
  });

  it.each(["Mars/Olympus", "", "Europe/Berlin; rm", "../../etc/passwd", "x".repeat(65)])(
    "refuses %j",
    (name) => {
      expect(createTimeZone(name)).toBeUndefined();
    },
  );
});

describe("wallTime", () => {
  it.each([
    ["Europe/Berlin", "2025-06-02T00:30:00Z", "2025-06-02", 1, hm(2, 30)],
    ["Europe/Berlin", "2025-03-30T00:59:59Z", "2025-03-30", 0, hm(1, 59)],
    ["Europe/Berlin", "2025-03-30T01:00:00Z", "2025-03-30", 0, hm(3)],
    ["Europe/Berlin", "2025-10-26T00:30:00Z", "2025-10-26", 0, hm(2, 30)],
    ["Europe/Berlin", "2025-10-26T01:30:00Z", "2025-10-26", 0, hm(2, 30)],
    ["America/New_York", "2025-06-02T03:00:00Z", "2025-06-01", 0, hm(23)],
    ["Asia/Kathmandu", "2025-06-02T00:00:00Z", "2025-06-02", 1, hm(5, 45)],
    ["Australia/Lord_Howe", "2025-10-04T15:30:00Z", "2025-10-05", 0, hm(2, 30)],
  ])("%s at %s reads %s (day %i) minute %i", (name, instant, day, weekday, minute) => {
    expect(zone(name).wallTime(Date.parse(instant))).toEqual({ dateMs: date(day), weekday, minute });
  });
});

describe("instantOf", () => {
  it.each([
    ["an ordinary summer time", "Europe/Berlin", "2025-06-02", hm(2), "2025-06-02T00:00:00.000Z"],
    ["an ordinary winter time", "Europe/Berlin", "2025-01-06", hm(2), "2025-01-06T01:00:00.000Z"],
    [
      "a time the clocks skip: when they jump",
      "Europe/Berlin",
      "2025-03-30",
      hm(2, 30),
      "2025-03-30T01:00:00.000Z",
    ],
    ["just after the skip", "Europe/Berlin", "2025-03-30", hm(3), "2025-03-30T01:00:00.000Z"],
    [
      "a repeated time: its first occurrence",
      "Europe/Berlin",
      "2025-10-26",
      hm(2, 30),
      "2025-10-26T00:30:00.000Z",
    ],
    ["New York's skipped hour", "America/New_York", "2025-03-09", hm(2, 30), "2025-03-09T07:00:00.000Z"],
    ["New York's repeated hour", "America/New_York", "2025-11-02", hm(1, 30), "2025-11-02T05:30:00.000Z"],
    [
      "Sydney's repeated hour (southern autumn)",
      "Australia/Sydney",
      "2025-04-06",
      hm(2, 30),
      "2025-04-05T15:30:00.000Z",
    ],
    [
      "Lord Howe's half-hour skip",
      "Australia/Lord_Howe",
      "2025-10-05",
      hm(2, 15),
      "2025-10-04T15:30:00.000Z",
    ],
    ["a quarter-hour offset", "Asia/Kathmandu", "2025-06-02", hm(12), "2025-06-02T06:15:00.000Z"],
    [
      "a day the zone skipped whole (Samoa, 2011)",
      "Pacific/Apia",
      "2011-12-30",
      hm(10),
      "2011-12-30T10:00:00.000Z",
    ],
  ])("%s", (_, name, day, minute, expected) => {
    expect(at(new Date(zone(name).instantOf(date(day), minute)).toISOString())).toBe(expected);
  });
});
