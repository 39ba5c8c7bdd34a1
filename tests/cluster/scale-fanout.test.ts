// Fan-out at scale with real Metacontroller and the shipped tuning: one push to a repository that
// a few hundred Deployments (auto-approve, 20 to a namespace) follow patches every one of them, and
// each update costs a fixed, small number of hook calls and apiserver writes per workload.
// `npm run bench:scale` runs the same scenario with 1,000 (figures in docs/benchmarks.md).
import { copyFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { runFanout } from "../helpers/fanout.ts";
import { useFlows } from "../helpers/flows.ts";
import { isIdle } from "../helpers/metacontroller.ts";

const n = Number(process.env.FANOUT_N ?? 200);
const perNamespace = 20;
const flows = useFlows();

describe("fan-out", () => {
  it(`one push patches ${n} Deployments, with a bounded cost per workload`, async () => {
    const flow = await flows.start();
    const namespaces = [flow.ns];
    while (namespaces.length * perNamespace < n) namespaces.push(await flow.alsoIn());
    const result = await runFanout({
      kc: flows.kc,
      namespaces,
      n,
      testUser: "headwind-admin",
      hookCalls: async () => {
        const counts: Record<string, number> = {};
        for (const call of flow.calls()) counts[call.path] = (counts[call.path] ?? 0) + 1;
        return counts;
      },
      idle: () => isIdle(flows.metacontroller),
      progress: (what) => console.log(`${new Date().toISOString()} ${what}`),
    });
    console.log(`fan-out ${n}: ${JSON.stringify(result, null, 2)}`);
    if (process.env.FANOUT_AUDIT_COPY)
      await copyFile(String(process.env.HEADWIND_AUDIT_LOG), process.env.FANOUT_AUDIT_COPY);
    expect(await flow.problems()).toEqual([]);
  }, 900_000);
});
