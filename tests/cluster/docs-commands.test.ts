// The documentation's shell blocks marked ```sh runnable run as written, in file order, from the
// repository root, against the test cluster: helm and promtool on the PATH, and Metacontroller's
// CRDs installed first (the stand-in for the quick start's step 1, which fetches Metacontroller
// from GitHub). A command that stops working fails here, with its output.
import { dirname } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { adminConfig, installCrds } from "../helpers/cluster.ts";
import { documentationFiles, repositoryRoot, runnableBlocks } from "../helpers/markdown-docs.ts";
import { goTool, runCommand } from "../helpers/run-command.ts";

const blocks = documentationFiles().flatMap(runnableBlocks);
let path: string;

beforeAll(async () => {
  await installCrds(adminConfig(), new URL("../fixtures/crds/metacontroller-crds-v1.yaml", import.meta.url));
  const tools = await Promise.all([goTool("helm"), goTool("promtool")]);
  path = [...tools.map((tool) => dirname(tool)), process.env.PATH ?? ""].join(":");
}, 900_000);

describe("runnable commands in the documentation", () => {
  it("finds the quick start's and the guides' runnable blocks", () => {
    const files = new Set(blocks.map((block) => block.where.split(":")[0]));
    expect(files).toEqual(
      new Set([
        "README.md",
        "docs/guides/approvals.md",
        "docs/guides/gitops.md",
        "docs/guides/monitoring.md",
      ]),
    );
  });

  it.each(blocks.map((block) => [block.where, block.script] as const))("%s", async (_where, script) => {
    const run = await runCommand("bash", ["-euo", "pipefail", "-c", script], {
      cwd: repositoryRoot,
      env: { ...process.env, PATH: path },
    });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  });
});
