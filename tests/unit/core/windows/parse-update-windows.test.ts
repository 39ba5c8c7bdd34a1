import { describe, expect, it } from "vitest";
import { parseUpdateWindows } from "../../../../src/core/windows/parse-update-windows.ts";

function shape(text: string) {
  const parsed = parseUpdateWindows(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value.map((w) => ({
    days: [...w.days].sort(),
    start: w.start,
    end: w.end,
    zone: w.zone.name,
    text: w.text,
  }));
}

describe("parseUpdateWindows", () => {
  it.each([
    [
      "Mon-Fri 02:00-04:00 Europe/Berlin",
      [
        {
          days: [1, 2, 3, 4, 5],
          start: 120,
          end: 240,
          zone: "Europe/Berlin",
          text: "Mon-Fri 02:00-04:00 Europe/Berlin",
        },
      ],
    ],
    [
      "02:00-04:00",
      [{ days: [0, 1, 2, 3, 4, 5, 6], start: 120, end: 240, zone: "UTC", text: "02:00-04:00" }],
    ],
    [
      "* 2:00-4:30 UTC",
      [{ days: [0, 1, 2, 3, 4, 5, 6], start: 120, end: 270, zone: "UTC", text: "* 2:00-4:30 UTC" }],
    ],
    [
      "sat,SUN 10:00-12:00",
      [{ days: [0, 6], start: 600, end: 720, zone: "UTC", text: "sat,SUN 10:00-12:00" }],
    ],
    [
      "Fri-Mon 22:00-02:00 Asia/Tokyo",
      [
        {
          days: [0, 1, 5, 6],
          start: 1320,
          end: 120,
          zone: "Asia/Tokyo",
          text: "Fri-Mon 22:00-02:00 Asia/Tokyo",
        },
      ],
    ],
    [
      "Mon,Wed-Thu 00:00-24:00",
      [{ days: [1, 3, 4], start: 0, end: 1440, zone: "UTC", text: "Mon,Wed-Thu 00:00-24:00" }],
    ],
    [
      "Tuesday 23:00-00:00",
      [{ days: [2], start: 1380, end: 1440, zone: "UTC", text: "Tuesday 23:00-00:00" }],
    ],
    [
      " Mon-Fri 02:00-04:00 Europe/Berlin ;  Sat 10:00-12:00 America/New_York; ",
      [
        {
          days: [1, 2, 3, 4, 5],
          start: 120,
          end: 240,
          zone: "Europe/Berlin",
          text: "Mon-Fri 02:00-04:00 Europe/Berlin",
        },
        {
          days: [6],
          start: 600,
          end: 720,
          zone: "America/New_York",
          text: "Sat 10:00-12:00 America/New_York",
        },
      ],
    ],
    ["always", []],
    ["ALWAYS", []],
  ])("%j", (text, expected) => {
    expect(shape(text)).toEqual(expected);
  });

  it.each([
    ["", "names no window"],
    [";;", "names no window"],
    ["Mon-Fri", '"Mon-Fri" has no time range such as 02:00-04:00'],
    ["Mon-Fri 2am-4am", '"Mon-Fri 2am-4am" has no time range such as 02:00-04:00'],
    ["Mon-Fri 02:00-04:00 Europe/Berlin extra", "has more than days, times and a time zone"],
    ["Europe/Berlin Mon 02:00-04:00", "has no time range"],
    ["Mon-Fry 02:00-04:00", '"Mon-Fry" is not a day (Mon … Sun) or a range of days (Mon-Fri)'],
    ["Mon-Tue-Wed 02:00-04:00", '"Mon-Tue-Wed" is not a day'],
    ["Mon,,Tue 02:00-04:00", '"" is not a day'],
    ["25:00-26:00", '"25:00-26:00" is not a time range of HH:MM (00:00-24:00)'],
    ["02:60-03:00", "is not a time range"],
    ["24:00-02:00", "is not a time range"],
    ["02:00-24:30", "is not a time range"],
    ["03:00-03:00", '"03:00-03:00" is empty'],
    ["02:00-04:00 Mars/Olympus", '"Mars/Olympus" is not a time zone (e.g. Europe/Berlin, UTC)'],
    [Array.from({ length: 17 }, () => "02:00-04:00").join(";"), "more than 16 windows"],
    [`02:00-04:00 ${"x".repeat(1100)}`, "longer than 1024 characters"],
  ])("refuses %j", (text, message) => {
    const parsed = parseUpdateWindows(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.error).toContain(message);
  });

  it("stays fast on hostile input at the size cap", () => {
    const hostile = [
      "Mon,".repeat(250),
      `${"0".repeat(1000)}:00-1:00`,
      `${" ".repeat(1000)}x`,
      "-".repeat(1024),
    ];
    for (const text of hostile) {
      const started = performance.now();
      expect(parseUpdateWindows(text).ok).toBe(false);
      expect(performance.now() - started).toBeLessThan(50);
    }
  });
});
