/**
 * The real Metacontroller (v4.17.2, the binary ~/.cache/headwind/mc/metacontroller or
 * $METACONTROLLER_BIN) started against the harness apiserver with this repository's hooks/*.yaml,
 * changed only as far as a test on a shared apiserver needs: the webhook address points at the
 * hooks server on loopback, names and a label make this instance's controllers its own
 * (--target-label-selector), and each resource selects only the test's workloads. The credential
 * (webhook.authorization with its secretRef) is kept exactly as shipped: Metacontroller reads it
 * from the Secret itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { applyObjects, kubeRequest } from "./cluster.ts";
import type { DecoratorController, HookSpec } from "./metacontroller-controllers.ts";
import { loadRepositoryControllers } from "./metacontroller-controllers.ts";
import { freePort } from "./registry-server.ts";

export interface RealMetacontroller {
  /** This instance's label value (headwind.sh/test-instance). */
  readonly instance: string;
  /** What the process printed, for a failing test's message. */
  readonly output: () => string;
  /** What a `kubectl rollout restart` of Metacontroller does: it resolves every hook credential anew. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RealMetacontrollerOptions {
  /** Where the hooks server listens: `http://127.0.0.1:<port>`. */
  readonly hooksUrl: string;
  /** The workloads this instance manages: each carries the label `headwind.sh/test-instance`. */
  readonly workloadNames: readonly string[];
  /** Overrides the sync hooks' timeout (a test of slow effects wants it short). */
  readonly syncTimeout?: string;
}

export const instanceLabel = "headwind.sh/test-instance";

function binary(): string {
  const path = process.env.METACONTROLLER_BIN ?? join(homedir(), ".cache/headwind/mc/metacontroller");
  if (!existsSync(path)) throw new Error(`no Metacontroller binary at ${path} (set METACONTROLLER_BIN)`);
  return path;
}

function pointAt(
  hook: HookSpec | undefined,
  hooksUrl: string,
  timeout: string | undefined,
): HookSpec | undefined {
  if (hook?.webhook === undefined) return hook;
  const { service: _service, path, ...webhook } = hook.webhook;
  return { ...hook, webhook: { ...webhook, url: `${hooksUrl}${path}`, ...(timeout ? { timeout } : {}) } };
}

function ownControllers(
  controllers: readonly DecoratorController[],
  instance: string,
  options: RealMetacontrollerOptions,
): DecoratorController[] {
  return controllers.map((dc) => {
    const workloads = dc.metadata.name === "headwind-workloads";
    const selector = workloads
      ? { matchLabels: { [instanceLabel]: instance } }
      : {
          matchExpressions: [
            { key: "headwind.sh/target-name", operator: "In", values: [...options.workloadNames] },
          ],
        };
    const { hooks } = dc.spec;
    return {
      ...dc,
      metadata: { name: `${dc.metadata.name}-${instance}`, labels: { [instanceLabel]: instance } },
      spec: {
        ...dc.spec,
        resources: dc.spec.resources.map((r) => ({ ...r, labelSelector: selector })),
        hooks: {
          ...(hooks.customize ? { customize: pointAt(hooks.customize, options.hooksUrl, undefined) } : {}),
          ...(hooks.sync ? { sync: pointAt(hooks.sync, options.hooksUrl, options.syncTimeout) } : {}),
        },
      },
    } as DecoratorController;
  });
}

export async function startRealMetacontroller(
  kc: KubeConfig,
  options: RealMetacontrollerOptions,
): Promise<RealMetacontroller> {
  const instance = randomBytes(4).toString("hex");
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error("KUBECONFIG is not set");
  const controllers = ownControllers(await loadRepositoryControllers(), instance, options);
  await applyObjects(kc, controllers as unknown as KubernetesObject[]);
  const [health, metrics] = [await freePort(), await freePort()];
  const args = [
    `--kubeconfig=${kubeconfig}`,
    `--target-label-selector=${instanceLabel}=${instance}`,
    `--health-probe-bind-address=127.0.0.1:${health}`,
    `--metrics-address=127.0.0.1:${metrics}`,
    "--discovery-interval=2s",
    "--zap-log-level=4",
  ];
  const lines: string[] = [];
  const launch = () => {
    const child: ChildProcess = spawn(binary(), args, { stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout, child.stderr])
      stream?.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    return {
      async kill() {
        if (child.exitCode === null) child.kill("SIGTERM");
        await exited;
      },
    };
  };
  let running = launch();
  return {
    instance,
    output: () => lines.slice(-200).join("\n"),
    async restart() {
      await running.kill();
      running = launch();
    },
    async stop() {
      await running.kill();
      for (const dc of controllers)
        await kubeRequest(
          kc,
          "DELETE",
          `/apis/metacontroller.k8s.io/v1alpha1/decoratorcontrollers/${dc.metadata.name}`,
        ).catch(() => undefined);
    },
  };
}
