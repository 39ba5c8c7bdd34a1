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
    // Every write an update costs a workload, and no more: the proposal, the patch, one status
    // write per phase (Progressing; Completed), an Event pair for each, and the history annotation.
    // A rewrite that changes nothing or a status step nobody needs shows up here.
    expect(result.creation.writes).toEqual({});
    expect(result.update.writes).toEqual({
      "metacontroller create updaterequests": 1,
      "headwind-hooks patch deployments": 1,
      "headwind-hooks patch updaterequests/status": 1,
      "headwind-hooks create events": 2,
    });
    expect(result.rollout.writes).toEqual({
      "headwind-hooks patch updaterequests/status": 1,
      "headwind-hooks create events": 2,
      "metacontroller update deployments": 1,
    });
    // Hook calls depend on how Metacontroller's queue merges events, so the bounds are what no
    // merging gives: a workload is synced for the push, its new request, that request's status and
    // the patch; a request when created, after its own status write and after the patch.
    expect(result.update.hookCalls["/hooks/workloads/sync"]).toBeLessThanOrEqual(4);
    expect(result.update.hookCalls["/hooks/updaterequests/sync"]).toBeLessThanOrEqual(3);
    expect(result.rollout.hookCalls["/hooks/updaterequests/sync"]).toBeLessThanOrEqual(3);
  }, 900_000);
});
