/** The import graph of src/, read from the files' own import statements (relative specifiers only). */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export function sourceFiles(dir = "src"): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(full);
      return /\.tsx?$/.test(entry.name) ? [full] : [];
    })
    .sort();
}

const importPattern =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"|import\("(\.{1,2}\/[^"]+)"\)/g;

/** File → the src files it imports (type-only imports included: they couple the code too). */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(importPattern)].map((m) =>
      path.join(path.dirname(file), m[1] ?? m[2] ?? ""),
    );
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/** Every node reachable from `start` in one or more steps. */
function reachable(graph: ReadonlyMap<string, readonly string[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const pending = [...(graph.get(start) ?? [])];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (seen.has(node)) continue;
    seen.add(node);
    pending.push(...(graph.get(node) ?? []));
  }
  return seen;
}

/** The cycles: groups of nodes that each reach every other (a graph of a few hundred files). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const reach = new Map([...graph.keys()].map((node) => [node, reachable(graph, node)]));
  const grouped = new Set<string>();
  const found: string[][] = [];
  for (const [node, from] of reach) {
    if (grouped.has(node) || !from.has(node)) continue;
    const group = [...from].filter((other) => reach.get(other)?.has(node)).sort();
    for (const member of group) grouped.add(member);
    found.push(group);
  }
  return found;
}

/** The same graph between folders (a file's folder imports the folders of what it imports). */
export function folderGraph(graph: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = path.dirname(file);
    const set = folders.get(from) ?? new Set<string>();
    for (const target of targets) if (path.dirname(target) !== from) set.add(path.dirname(target));
    folders.set(from, set);
  }
  return new Map([...folders].map(([folder, set]) => [folder, [...set].sort()]));
}
