/**
 * Reads the versions of a few charts out of a Helm repository's `index.yaml` line by line, so an
 * index of any size is never held whole: only the entries of the wanted charts are kept, each
 * bounded, and parsed on their own. Helm (and every index generator we know) writes block YAML:
 * `entries:` at column 0, one key per chart at a fixed indent, the chart's list below it. A JSON
 * index (valid YAML too) is read whole within the same bound per chart. Every line is matched by
 * patterns without nested quantifiers, so the scan is linear in the index.
 */
import { parse } from "yaml";

export interface ChartVersion {
  readonly version: string;
  /** Epoch seconds of the entry's `created`, when it has a readable one. */
  readonly created?: number;
}

export type ChartScan = { readonly versions: readonly ChartVersion[] } | { readonly error: string };

export interface IndexScanner {
  /** One line of the index, without its line break. */
  line(text: string): void;
  /** What was found for each wanted chart. */
  finish(): Map<string, ChartScan>;
}

const entriesLine = /^entries:[ \t]*(?:#.*)?$/;
const keyLine = /^( *)(?:"([^"]*)"|'([^']*)'|([^\s#:'"-][^\s:]*)):[ \t]*(?:#.*)?$/;

function seconds(value: unknown): number | undefined {
  const ms = typeof value === "string" || value instanceof Date ? new Date(value).getTime() : Number.NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

function versionsOf(list: unknown, chart: string): ChartScan {
  if (!Array.isArray(list)) return { error: `index entries of ${chart} are not a list` };
  const versions: ChartVersion[] = [];
  for (const entry of list) {
    const { version, created } = (entry ?? {}) as { version?: unknown; created?: unknown };
    if (typeof version !== "string" || version.length === 0 || version.length > 128) continue;
    const at = seconds(created);
    versions.push(at === undefined ? { version } : { version, created: at });
  }
  return { versions };
}

export function createIndexScanner(wanted: ReadonlySet<string>, maxChartBytes: number): IndexScanner {
  const found = new Map<string, ChartScan>();
  let state: "before" | "entries" | "after" | "json" = "before";
  let indent: number | undefined;
  let current: { chart: string; lines: string[]; bytes: number } | undefined;
  let json: string[] = [];
  let jsonBytes = 0;

  function close(): void {
    if (current === undefined) return;
    const { chart, lines } = current;
    current = undefined;
    if (found.has(chart)) return;
    try {
      found.set(chart, versionsOf(parse(lines.map((l) => l.slice(indent ?? 0)).join("\n")), chart));
    } catch (error) {
      found.set(chart, {
        error: `index entries of ${chart} are not YAML: ${(error as Error).message.split("\n")[0]}`,
      });
    }
  }

  function keep(text: string): void {
    if (current === undefined || found.has(current.chart)) return;
    current.bytes += text.length + 1;
    if (current.bytes > maxChartBytes) {
      found.set(current.chart, { error: `index entries of ${current.chart} exceed ${maxChartBytes} bytes` });
      current = undefined;
      return;
    }
    current.lines.push(text);
  }

  function entry(text: string): void {
    const blank = text.trim() === "" || text.trimStart().startsWith("#");
    const depth = text.length - text.trimStart().length;
    if (!blank && depth === 0) {
      close();
      state = "after";
      return;
    }
    const key = blank ? null : keyLine.exec(text);
    if (key !== null && (indent === undefined || key[1]?.length === indent)) {
      close();
      indent = key[1]?.length ?? 0;
      const chart = key[2] ?? key[3] ?? key[4] ?? "";
      current = wanted.has(chart) ? { chart, lines: [], bytes: 0 } : undefined;
      return;
    }
    keep(text);
  }

  function finishJson(): void {
    const document = jsonBytes > maxChartBytes ? undefined : safeJson(json.join("\n"));
    json = [];
    const entries = (document as { entries?: Record<string, unknown> } | undefined)?.entries;
    for (const chart of wanted) {
      if (document === undefined)
        found.set(chart, { error: `JSON index over ${maxChartBytes} bytes or unreadable` });
      else if (entries?.[chart] !== undefined) found.set(chart, versionsOf(entries[chart], chart));
    }
  }

  return {
    line(text) {
      if (state === "entries") entry(text);
      else if (state === "before") {
        if (entriesLine.test(text)) state = "entries";
        else if (text.trimStart().startsWith("{")) state = "json";
      }
      if (state === "json" && jsonBytes <= maxChartBytes) {
        jsonBytes += text.length + 1;
        json.push(text);
      }
    },
    finish() {
      close();
      if (state === "json") finishJson();
      for (const chart of wanted) {
        if (!found.has(chart)) found.set(chart, { error: `chart ${chart} is not in the repository's index` });
      }
      return found;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
