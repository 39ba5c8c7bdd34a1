/**
 * Whether an update may be applied now, and if not, when the next window opens. A window is open
 * while the local wall clock of its zone reads a time inside it, so DST needs no special case: on
 * the night clocks skip its start it opens when they land inside it (02:00-04:00 in Berlin opens at
 * 03:00 CEST on the last Sunday of March), a window lying wholly in the skipped hour does not open
 * that night, and one spanning a repeated hour stays open through both.
 */
import type { UpdateWindow } from "./parse-update-windows.ts";

export type WindowState = { readonly open: true } | { readonly open: false; readonly opensAt: number };

const dayMs = 86_400_000;
/** Far enough for any weekly window to come round again after a skipped DST night. */
const searchDays = 15;

export function isInside(window: UpdateWindow, instantMs: number): boolean {
  const { weekday, minute } = window.zone.wallTime(instantMs);
  if (window.start < window.end)
    return window.days.has(weekday) && minute >= window.start && minute < window.end;
  const yesterday = (weekday + 6) % 7;
  return (
    (window.days.has(weekday) && minute >= window.start) ||
    (window.days.has(yesterday) && minute < window.end)
  );
}

function nextOpening(window: UpdateWindow, nowMs: number): number | undefined {
  const today = window.zone.wallTime(nowMs).dateMs;
  for (let day = 0; day < searchDays; day++) {
    const dateMs = today + day * dayMs;
    if (!window.days.has(new Date(dateMs).getUTCDay())) continue;
    const opensAt = window.zone.instantOf(dateMs, window.start);
    if (opensAt > nowMs && isInside(window, opensAt)) return opensAt;
  }
  return undefined;
}

/** No windows: always open. Otherwise open when inside any window, else the earliest next opening. */
export function windowState(windows: readonly UpdateWindow[], nowMs: number): WindowState {
  if (windows.length === 0 || windows.some((window) => isInside(window, nowMs))) return { open: true };
  const openings = windows.flatMap((window) => nextOpening(window, nowMs) ?? []);
  // Only a zone with no weekly rhythm at all could leave none; look again in a day rather than never.
  return { open: false, opensAt: openings.length > 0 ? Math.min(...openings) : nowMs + dayMs };
}
