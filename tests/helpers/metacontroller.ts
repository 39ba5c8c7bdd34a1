/**
 * Real Metacontroller (built by scripts/metacontroller-bin.sh, path exported by scripts/cluster.sh)
 * as a child process against the test apiserver, under its own identity. It manages only the
 * controller objects labelled `headwind.sh/metacontroller=<instance>` (--target-label-selector,
 * the dedicated-instance option of manifests/components/metacontroller-dedicated), with the client
 * limits and workers Headwind ships in manifests/components/metacontroller-tuning.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { parseAllDocuments } from "yaml";
import { waitFor } from "./cluster.ts";
import { freePort } from "./registry-server.ts";
import { type Stoppable, stoppable } from "./stoppable.ts";

export const instanceLabel = "headwind.sh/metacontroller";

export interface MetacontrollerOptions {
  /** The value of `headwind.sh/metacontroller` on the controllers this instance manages. */
  readonly instance: string;
  /** Added after the shipped tuning (a later flag wins). */
  readonly args?: readonly string[];
  /** `--zap-log-level`; 4 logs every write it skips on a conflict. */
  readonly logLevel?: number;
}

export interface Metacontroller extends Stoppable {
  readonly instance: string;
  readonly pid: number;
  /** Prometheus text from its --metrics-address. */
  metrics(): Promise<string>;
  /** The last lines it logged (bounded). */
  log(): string[];
}

const keptLines = 5000;

function binary(): { path: string; kubeconfig: string } {
  const path = process.env.HEADWIND_METACONTROLLER;
  const kubeconfig = process.env.HEADWIND_METACONTROLLER_KUBECONFIG;
  if (!path || !kubeconfig) {
    throw new Error(
      "real Metacontroller needs the cluster harness: run inside `bash scripts/cluster.sh run -- …`, " +
        "which builds it (scripts/metacontroller-bin.sh) and exports HEADWIND_METACONTROLLER",
    );
  }
  return { path, kubeconfig };
}

/** The flags manifests/components/metacontroller-tuning adds to Metacontroller's own install. */
export async function shippedTuning(): Promise<string[]> {
  const url = new URL("../../manifests/components/metacontroller-tuning/kustomization.yaml", import.meta.url);
  const [component] = parseAllDocuments(await readFile(url, "utf8")).map((d) => d.toJS()) as {
    patches: { patch: string }[];
  }[];
  const ops = (component?.patches ?? []).flatMap(
    (p) => parseAllDocuments(p.patch)[0]?.toJS() as { op: string; path: string; value: string }[],
  );
  const flags = ops.filter((op) => op.op === "add" && op.path.endsWith("/args/-")).map((op) => op.value);
  if (flags.length === 0) throw new Error(`${url.pathname}: no args added`);
  return flags;
}

export async function startMetacontroller(options: MetacontrollerOptions): Promise<Metacontroller> {
  const { path, kubeconfig } = binary();
  const [metricsPort, probePort] = [await freePort(), await freePort()];
  const args = [
    `--kubeconfig=${kubeconfig}`,
    // New CRDs (and the controllers' types) are found within a second instead of 30.
    "--discovery-interval=1s",
    `--metrics-address=127.0.0.1:${metricsPort}`,
    `--health-probe-bind-address=127.0.0.1:${probePort}`,
    `--target-label-selector=${instanceLabel}=${options.instance}`,
    `--zap-log-level=${options.logLevel ?? 2}`,
    ...(await shippedTuning()),
    ...(options.args ?? []),
  ];
  const child = spawn(path, args, { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line) lines.push(line);
    if (lines.length > keptLines) lines.splice(0, lines.length - keptLines);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  try {
    await waitFor(
      "Metacontroller to answer /readyz",
      async () => {
        if (child.exitCode !== null)
          throw new Error(`exited ${child.exitCode}: ${lines.slice(-5).join("\n")}`);
        return (await fetch(`http://127.0.0.1:${probePort}/readyz`)).ok;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    instance: options.instance,
    pid: child.pid ?? 0,
    metrics: async () => (await fetch(metricsUrl)).text(),
    log: () => [...lines],
    ...stoppable(child),
  };
}

/** Sums a metric's samples whose labels contain every given label (Prometheus text format). */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/** Nothing queued and nothing in progress in any of its controllers' work queues. */
export async function isIdle(mc: Metacontroller): Promise<boolean> {
  const text = await mc.metrics();
  return (
    metricSum(text, "workqueue_depth") === 0 && metricSum(text, "workqueue_unfinished_work_seconds") === 0
  );
}
