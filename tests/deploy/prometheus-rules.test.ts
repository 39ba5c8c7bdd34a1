// The alerting rules, checked by the real promtool (built from the Go module proxy): they parse,
// and deploy/prometheus/headwind-rules.test.yaml's cases (each alert firing, and the look-alikes
// that must not) pass. That the metrics they name exist is tests/cluster/observability.test.ts.
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { goTool, runCommand } from "../helpers/run-command.ts";

const dir = fileURLToPath(new URL("../../deploy/prometheus/", import.meta.url));
let promtool: string;

beforeAll(async () => {
  promtool = await goTool("promtool");
}, 900_000);

describe("deploy/prometheus", () => {
  it("promtool check rules: every rule parses", async () => {
    const run = await runCommand(promtool, ["check", "rules", "headwind-rules.yaml"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("SUCCESS: 8 rules found");
  });

  it("promtool test rules: each alert fires when it should and not otherwise", async () => {
    const run = await runCommand(promtool, ["test", "rules", "headwind-rules.test.yaml"], { cwd: dir });
    expect(run.stdout + run.stderr).toContain("SUCCESS");
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });
});
