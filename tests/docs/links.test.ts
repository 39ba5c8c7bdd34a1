// Every relative link in the documentation resolves: the file or folder exists, and an anchor names
// a heading of the file it points into.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import {
  anchorOf,
  anchorsIn,
  documentationFiles,
  relativeLinks,
  repositoryRoot,
} from "../helpers/markdown-docs.ts";

function problem(file: string, target: string): string | undefined {
  const [path = "", anchor] = target.split("#", 2);
  const resolved =
    path === "" ? join(repositoryRoot, file) : normalize(join(repositoryRoot, dirname(file), path));
  if (!resolved.startsWith(repositoryRoot)) return "points outside the repository";
  if (!existsSync(resolved)) return "no such file or folder";
  if (anchor === undefined) return undefined;
  if (statSync(resolved).isDirectory() || !resolved.endsWith(".md"))
    return "an anchor into something not markdown";
  return anchorsIn(readFileSync(resolved, "utf8")).has(anchor) ? undefined : `no heading #${anchor}`;
}

describe("documentation links", () => {
  it("reads README.md, CONTRIBUTING.md and the docs/ pages, each with links", () => {
    const files = documentationFiles();
    expect(files.slice(0, 2)).toEqual(["README.md", "CONTRIBUTING.md"]);
    expect(files.length).toBeGreaterThan(15);
    expect(relativeLinks("README.md").length).toBeGreaterThan(20);
  });

  it("every relative link resolves", () => {
    const broken = documentationFiles().flatMap((file) =>
      relativeLinks(file).flatMap(({ line, target }) => {
        const why = problem(file, target);
        return why === undefined ? [] : [`${file}:${line} ${target}: ${why}`];
      }),
    );
    expect(broken).toEqual([]);
  });

  it("makes anchors the way GitHub does", () => {
    expect(anchorOf("Five-minute quick start")).toBe("five-minute-quick-start");
    expect(anchorOf("Registry webhooks (:8080)")).toBe("registry-webhooks-8080");
    expect([...anchorsIn("# A\n## Same\n```\n# not a heading\n```\n## Same\n")]).toEqual([
      "a",
      "same",
      "same-1",
    ]);
  });

  it("finds a broken link, a missing heading and an escape from the repository", () => {
    expect(problem("README.md", "docs/nowhere.md")).toBe("no such file or folder");
    expect(problem("README.md", "CONTRIBUTING.md#no-such-heading")).toBe("no heading #no-such-heading");
    expect(problem("README.md", "../outside.md")).toBe("points outside the repository");
    expect(problem("README.md", "#five-minute-quick-start")).toBeUndefined();
  });

  it("README.md stays under 8 KB and opens with the two commands", () => {
    const readme = readFileSync(join(repositoryRoot, "README.md"), "utf8");
    expect(Buffer.byteLength(readme)).toBeLessThan(8 * 1024);
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(firstBlock).toContain("npm ci && npm run demo");
    expect(firstBlock).toContain("npm ci && npm test");
  });
});
