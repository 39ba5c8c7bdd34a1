// The documentation a user reads (README.md, CONTRIBUTING.md, docs/**), read as the tests need it:
// its relative links, its headings' anchors, and its shell blocks marked runnable.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Every documentation file, repository-relative, README first, then CONTRIBUTING, then docs/ sorted. */
export function documentationFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(repositoryRoot, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? walk(join(dir, entry.name))
        : entry.name.endsWith(".md")
          ? [join(dir, entry.name)]
          : [],
    );
  return ["README.md", "CONTRIBUTING.md", ...walk("docs").sort()];
}

const fence = /^(```|~~~)/;

/** The text outside fenced code blocks and inline code, line numbers kept. */
function prose(text: string): string[] {
  let inFence = false;
  return text.split("\n").map((line) => {
    if (fence.test(line.trim())) {
      inFence = !inFence;
      return "";
    }
    return inFence ? "" : line.replace(/`[^`]*`/g, "");
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors a file's headings make, with GitHub's -1, -2 … for repeats. */
export function anchorsIn(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of text.split("\n")) {
    if (fence.test(line.trim())) inFence = !inFence;
    const heading = inFence ? undefined : /^#{1,6}\s+(.*?)\s*#*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = anchorOf(heading.replace(/`/g, ""));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

export interface Link {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** Links to anything but a URL with a scheme: files, folders and anchors of this repository. */
export function relativeLinks(file: string): Link[] {
  const lines = prose(readFileSync(join(repositoryRoot, file), "utf8"));
  return lines.flatMap((line, index) =>
    [...line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
      .map((match) => match[1] ?? "")
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
      .map((target) => ({ file, line: index + 1, target })),
  );
}

export interface RunnableBlock {
  /** `file:line` of the opening fence. */
  readonly where: string;
  readonly script: string;
}

/** Shell blocks fenced as ```sh runnable, in file order. */
export function runnableBlocks(file: string): RunnableBlock[] {
  const lines = readFileSync(join(repositoryRoot, file), "utf8").split("\n");
  const blocks: RunnableBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash) runnable\s*$/.test(lines[i] ?? "")) continue;
    const end = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line));
    if (end === -1) throw new Error(`${file}:${i + 1}: runnable block never closed`);
    blocks.push({
      where: `${relative(repositoryRoot, join(repositoryRoot, file))}:${i + 1}`,
      script: lines.slice(i + 1, end).join("\n"),
    });
    i = end;
  }
  return blocks;
}
