/**
 * `headwind.sh/update-window` (and the hooks' cluster-wide default): one or more windows separated
 * by `;`, each `[DAYS] HH:MM-HH:MM [ZONE]`, e.g. `Mon-Fri 02:00-04:00 Europe/Berlin; Sat 10:00-12:00`.
 * DAYS is a comma list of days and ranges (`Mon,Wed-Fri`, `Fri-Mon` wraps), omitted or `*` for every
 * day; ZONE an IANA name, `UTC` when omitted. A window that ends at or before its start runs past
 * midnight (`22:00-02:00`), counted on the day it starts. `always` means no window at all.
 * Split by fixed separators and checked token by token: linear in the text, bounded in size.
 */
import type { Result } from "../result.ts";
import { createTimeZone, type TimeZone } from "../time/time-zone.ts";

export interface UpdateWindow {
  /** Days the window starts on, 0 = Sunday … 6 = Saturday. */
  readonly days: ReadonlySet<number>;
  /** Minutes since local midnight. */
  readonly start: number;
  /** Minutes since local midnight, 1–1440; at or before `start` means the next day. */
  readonly end: number;
  readonly zone: TimeZone;
  /** The window as written, for messages. */
  readonly text: string;
}

export type ParsedWindows = Result<UpdateWindow[]>;

export const maxWindowText = 1024;
export const maxWindows = 16;
/** No window at all: updates apply whenever they are ready (overrides a cluster-wide default). */
export const alwaysOpen = "always";

const dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const fullDayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const timeRange = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/;

function dayOf(name: string): number | undefined {
  const lower = name.toLowerCase();
  const index = lower.length === 3 ? dayNames.indexOf(lower) : fullDayNames.indexOf(lower);
  return index < 0 ? undefined : index;
}

function parseDays(text: string): Set<number> | string {
  if (text === "*") return new Set([0, 1, 2, 3, 4, 5, 6]);
  const days = new Set<number>();
  for (const item of text.split(",")) {
    const [first = "", last, extra] = item.split("-");
    const from = dayOf(first);
    const to = last === undefined ? from : dayOf(last);
    if (from === undefined || to === undefined || extra !== undefined)
      return `${JSON.stringify(item)} is not a day (Mon … Sun) or a range of days (Mon-Fri)`;
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === to) break;
    }
  }
  return days;
}

function minutes(hours: string, mins: string, isEnd: boolean): number | undefined {
  const h = Number(hours);
  const m = Number(mins);
  if (m > 59 || h > 24 || (h === 24 && (m !== 0 || !isEnd))) return undefined;
  return h * 60 + m;
}

function parseWindow(text: string): UpdateWindow | string {
  const tokens = text.split(/\s+/);
  if (tokens.length > 3) return `${JSON.stringify(text)} has more than days, times and a time zone`;
  const timeAt = tokens.findIndex((token) => timeRange.test(token));
  if (timeAt < 0 || timeAt > 1) return `${JSON.stringify(text)} has no time range such as 02:00-04:00`;
  const days = timeAt === 1 ? parseDays(tokens[0] ?? "") : parseDays("*");
  if (typeof days === "string") return days;
  const [, h1 = "", m1 = "", h2 = "", m2 = ""] = timeRange.exec(tokens[timeAt] ?? "") ?? [];
  const start = minutes(h1, m1, false);
  const end = minutes(h2, m2, true);
  if (start === undefined || end === undefined)
    return `${JSON.stringify(tokens[timeAt])} is not a time range of HH:MM (00:00-24:00)`;
  if (start === end) return `${JSON.stringify(tokens[timeAt])} is empty`;
  const zoneText = tokens[timeAt + 1] ?? "UTC";
  const zone = createTimeZone(zoneText);
  if (zone === undefined) return `${JSON.stringify(zoneText)} is not a time zone (e.g. Europe/Berlin, UTC)`;
  return { days, start, end: end === 0 ? 1440 : end, zone, text };
}

export function parseUpdateWindows(text: string): ParsedWindows {
  const trimmed = text.trim();
  if (trimmed.length > maxWindowText) return { ok: false, error: `longer than ${maxWindowText} characters` };
  if (trimmed.toLowerCase() === alwaysOpen) return { ok: true, value: [] };
  const items = trimmed
    .split(";")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (items.length === 0) return { ok: false, error: "names no window" };
  if (items.length > maxWindows) return { ok: false, error: `more than ${maxWindows} windows` };
  const windows: UpdateWindow[] = [];
  for (const item of items) {
    const window = parseWindow(item);
    if (typeof window === "string") return { ok: false, error: window };
    windows.push(window);
  }
  return { ok: true, value: windows };
}
