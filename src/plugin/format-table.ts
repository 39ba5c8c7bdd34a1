/** Tables as kubectl prints them: upper-case headers, columns padded to the widest cell, 3 spaces apart. */

export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Control characters in cluster data must not move the cursor or forge lines on a terminal. */
const safe = (cell: string) => cell.replace(/\p{Cc}/gu, "?");

export function formatTable(table: Table): string {
  const cells = [table.headers.map((h) => h.toUpperCase()), ...table.rows.map((row) => row.map(safe))];
  const widths = table.headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

/** kubectl's AGE column: 45s, 12m, 5h, 3d. */
export function formatAge(since: string | undefined, now: number): string {
  const then = Date.parse(since ?? "");
  if (Number.isNaN(then)) return "<unknown>";
  const seconds = Math.max(0, Math.floor((now - then) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}
