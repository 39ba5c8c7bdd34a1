/** Seconds as a bare integer (the original Headwind's form) or a duration like `90s`, `5m`, `1h30m`, `2d`. */
const units: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed);
  if (!/^(?:\d{1,6}[dhms])+$/.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)([dhms])/g)) {
    seconds += Number(amount) * (units[unit ?? "s"] ?? 1);
  }
  return seconds;
}
