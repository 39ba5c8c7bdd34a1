/**
 * `npm run bench:scale`: one push to a repository that 1,000 Deployments follow (auto-approve), on
 * the local control plane with real Metacontroller (the shipped tuning) and the hooks server as
 * the production entry point. Prints, per phase, hook calls and apiserver writes per workload, and
 * when the first and last image patches landed after the push (docs/benchmarks.md).
 * FANOUT_N sets the number of Deployments, FANOUT_NAMESPACES how many namespaces they are spread
 * over (default: 20 Deployments to a namespace), FANOUT_METACONTROLLER_ARGS flags added after the
 * shipped tuning (space-separated, e.g. `--workers=40`) to try another one.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminConfig, createTestNamespace } from "../tests/helpers/cluster.ts";
import { cpuSeconds, pidFrom } from "../tests/helpers/cpu-seconds.ts";
import { startEntryPoint } from "../tests/helpers/entry-point.ts";
import { type PhaseCost, runFanout } from "../tests/helpers/fanout.ts";
import { installHeadwind, serviceAccountKubeconfig } from "../tests/helpers/headwind-install.ts";
import { isIdle, metricSum, startMetacontroller } from "../tests/helpers/metacontroller.ts";
import { installControllers } from "../tests/helpers/metacontroller-controllers.ts";
import { freePort } from "../tests/helpers/registry-server.ts";

const n = Number(process.env.FANOUT_N ?? 1000);
const spread = Number(process.env.FANOUT_NAMESPACES ?? Math.max(1, Math.ceil(n / 20)));
const extraArgs = (process.env.FANOUT_METACONTROLLER_ARGS ?? "").split(" ").filter(Boolean);
const hooks = ["workloads/customize", "workloads/sync", "updaterequests/customize", "updaterequests/sync"];

function table(name: string, cost: PhaseCost): string {
  const rows = [
    ...Object.entries(cost.hookCalls).map(([k, v]) => `| ${name} | hook ${k} | ${v} |`),
    ...Object.entries(cost.writes).map(([k, v]) => `| ${name} | write: ${k} | ${v} |`),
    ...Object.entries(cost.cpuMs ?? {}).map(([k, v]) => `| ${name} | CPU ms: ${k} | ${v} |`),
  ];
  return rows.join("\n");
}

async function main(): Promise<void> {
  const admin = adminConfig();
  await installHeadwind(admin);
  const work = await mkdtemp(join(tmpdir(), "headwind-bench-"));
  const [port, metricsPort] = [await freePort(), await freePort()];
  // The controllers first: installing them writes the hook credential the hooks server starts with.
  const { credential } = await installControllers(admin, `http://127.0.0.1:${port}`, "bench");
  if (credential === undefined) throw new Error("hooks/*.yaml name no webhook.authorization Secret");
  const server = await startEntryPoint("src/hooks-server/main.ts", port, {
    KUBECONFIG: await serviceAccountKubeconfig(admin, "headwind-hooks", work),
    METRICS_PORT: String(metricsPort),
    API_PORT: "0",
    HEADWIND_HOOK_TOKEN: credential,
  });
  const metacontroller = await startMetacontroller({ instance: "bench", args: extraArgs });
  try {
    const namespaces = await Promise.all(
      Array.from({ length: spread }, () => createTestNamespace(admin, "hw-bench")),
    );
    const started = Date.now();
    const result = await runFanout({
      kc: admin,
      namespaces,
      n,
      testUser: "headwind-admin",
      hookCalls: async () => {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return Object.fromEntries(
          hooks.map((hook) => [hook, metricSum(text, "headwind_hook_requests_total", { hook })]),
        );
      },
      idle: () => isIdle(metacontroller),
      cpu: async () => {
        const pids = {
          "kube-apiserver": await pidFrom(process.env.HEADWIND_APISERVER_PIDFILE),
          etcd: await pidFrom(process.env.HEADWIND_ETCD_PIDFILE),
          metacontroller: metacontroller.pid,
          hooks: server.pid,
        };
        const out: Record<string, number> = {};
        for (const [name, pid] of Object.entries(pids)) if (pid) out[name] = await cpuSeconds(pid);
        return out;
      },
      progress: (what) => {
        if (!what.endsWith("patched"))
          console.error(`${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);
      },
    });
    console.log(JSON.stringify(result, null, 2));
    console.log(`\n| Phase | What | Per workload |\n|---|---|---|`);
    console.log(
      [
        table("creation", result.creation),
        table("update", result.update),
        table("rollout", result.rollout),
      ].join("\n"),
    );
    console.log(
      `\n${n} Deployments in ${spread} namespaces${extraArgs.length ? ` (Metacontroller ${extraArgs.join(" ")})` : ""}: first patch ${result.update.firstPatchSeconds} s, last ${result.update.lastPatchSeconds} s after the push`,
    );
  } finally {
    await metacontroller.stop();
    await server.stop();
  }
}

await main();
