/** Reads `Retry-After` (RFC 9110 §10.2.3): delay seconds or an HTTP date. */

/** Milliseconds to wait from `now`, or undefined when absent or unreadable. Past dates mean 0. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP dates always name a day or month; this keeps Date.parse from reading "-5" or "1.5" as dates.
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
