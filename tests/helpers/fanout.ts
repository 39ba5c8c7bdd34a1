/**
 * One push, many workloads: N Deployments (auto-approve), spread over the given namespaces, follow
 * one repository; a new tag appears in its ConfigMap (what the sidecar writes after a push) and
 * Metacontroller re-syncs every one of them. Measures, per phase (creation, the update up to every patch, the rollout to Completed),
 * the hook calls and the apiserver writes per workload, and when the first and last image patches
 * landed after the push. The patches come from the audit log, so nothing polls the workloads.
 */
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { type AuditWrite, auditCursor, auditWritesSince, readAudit } from "./audit-log.ts";
import { applyObjects, kubeRequest, waitFor } from "./cluster.ts";
import { publishTags, workload } from "./headwind-objects.ts";

export interface FanoutTarget {
  readonly kc: KubeConfig;
  /** The workloads go round-robin into these. */
  readonly namespaces: readonly string[];
  readonly n: number;
  /** Hook calls so far about these namespaces' objects, by hook path. */
  hookCalls(): Promise<Record<string, number>>;
  /** Whether Metacontroller has nothing queued or in progress right now. */
  idle(): Promise<boolean>;
  /** Writes a test makes (setup, the push, rollout reports) are not Headwind's. */
  readonly testUser: string;
  readonly progress?: (what: string) => void;
  /** CPU seconds used so far, by process (optional). */
  cpu?(): Promise<Record<string, number>>;
}

export interface PhaseCost {
  readonly seconds: number;
  /** Hook calls per workload, by hook path. */
  readonly hookCalls: Record<string, number>;
  /** Apiserver writes per workload, by `user verb resource[/subresource]` (the test's own left out). */
  readonly writes: Record<string, number>;
  readonly hookCallsTotal: number;
  readonly writesTotal: number;
  /** CPU milliseconds per workload, by process (when the target can tell). */
  readonly cpuMs?: Record<string, number>;
}

export interface FanoutResult {
  readonly n: number;
  readonly namespaces: number;
  readonly creation: PhaseCost;
  readonly update: PhaseCost & { firstPatchSeconds: number; lastPatchSeconds: number };
  readonly rollout: PhaseCost;
}

const image = (target: FanoutTarget, tag: string) =>
  `registry.test:5000/${target.namespaces[0]}/fanout:${tag}`;

function who(user: string): string {
  if (user === "metacontroller") return "metacontroller";
  return user.startsWith("system:serviceaccount:") ? (user.split(":").at(-1) ?? user) : user;
}

function perWorkload(counts: Record<string, number>, n: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, Math.round((v / n) * 100) / 100]),
  );
}

function writesOf(writes: readonly AuditWrite[], target: FanoutTarget): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const w of writes) {
    if (!target.namespaces.includes(w.namespace ?? "") || w.user === target.testUser) continue;
    const key = `${who(w.user)} ${w.verb} ${w.resource}${w.subresource ? `/${w.subresource}` : ""}${w.code >= 400 ? ` (${w.code})` : ""}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)] as const)
      .filter(([, v]) => v > 0),
  );
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/**
 * Until nothing but the test has written in the namespace for `quietMs` and Metacontroller is
 * idle. Hook calls do not count: a rollout being watched is re-synced every few seconds, writing nothing.
 */
async function quiet(target: FanoutTarget, from: number, quietMs = 2000): Promise<void> {
  let cursor = from;
  let lastWrite = Date.now();
  await waitFor(
    "Headwind and Metacontroller to stop writing",
    async () => {
      const read = await readAudit(cursor);
      cursor = read.next;
      if (
        read.writes.some((w) => target.namespaces.includes(w.namespace ?? "") && w.user !== target.testUser)
      )
        lastWrite = Date.now();
      return Date.now() - lastWrite >= quietMs && (await target.idle());
    },
    { timeoutMs: 600_000, intervalMs: 250 },
  );
}

/** Runs `phase` and what it sets off, until everything is quiet again. */
async function measure(target: FanoutTarget, phase: () => Promise<void>) {
  const cursor = await auditCursor();
  const calls = await target.hookCalls();
  const cpuBefore = await target.cpu?.();
  const started = Date.now();
  await phase();
  target.progress?.(`phase done in ${(Date.now() - started) / 1000}s, settling`);
  await quiet(target, cursor);
  target.progress?.(`settled after ${(Date.now() - started) / 1000}s`);
  const seconds = (Date.now() - started) / 1000;
  const writes = await auditWritesSince(cursor);
  const hookCalls = difference(await target.hookCalls(), calls);
  const counted = writesOf(writes, target);
  const cpuAfter = await target.cpu?.();
  const cpuMs =
    cpuBefore && cpuAfter
      ? Object.fromEntries(
          Object.entries(cpuAfter).map(([k, v]) => [
            k,
            Math.round(((v - (cpuBefore[k] ?? 0)) * 1000) / target.n),
          ]),
        )
      : undefined;
  const cost: PhaseCost = {
    ...(cpuMs ? { cpuMs } : {}),
    seconds,
    hookCalls: perWorkload(hookCalls, target.n),
    writes: perWorkload(counted, target.n),
    hookCallsTotal: sum(hookCalls),
    writesTotal: sum(counted),
  };
  return { cost, writes };
}

/** Up to `width` at a time, in order. */
async function inParallel<T>(items: readonly T[], width: number, each: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await each(item);
      }
    }),
  );
}

interface Placed {
  readonly ns: string;
  readonly name: string;
}

const placed = (target: FanoutTarget): Placed[] =>
  Array.from({ length: target.n }, (_, i) => ({
    ns: target.namespaces[i % target.namespaces.length] ?? "",
    name: `app-${String(i).padStart(4, "0")}`,
  }));

async function completed(target: FanoutTarget): Promise<number> {
  let count = 0;
  for (const ns of target.namespaces) {
    const list = (await kubeRequest(
      target.kc,
      "GET",
      `/apis/headwind.sh/v1alpha1/namespaces/${ns}/updaterequests`,
    )) as {
      items: { status?: { phase?: string } }[];
    };
    count += list.items.filter((u) => u.status?.phase === "Completed").length;
  }
  return count;
}

export async function runFanout(target: FanoutTarget): Promise<FanoutResult> {
  const { kc, n } = target;
  const workloads = placed(target);
  const annotations = { "headwind.sh/policy": "minor", "headwind.sh/require-approval": "false" };
  await publishTags(kc, image(target, "1.0.0"), ["1.0.0"]);

  const creation = await measure(target, () =>
    inParallel(workloads, 16, ({ ns, name }) =>
      applyObjects(kc, [workload(name, image(target, "1.0.0"), { annotations }) as KubernetesObject], {
        namespace: ns,
      }),
    ),
  );

  let pushedAt = 0;
  const patched = new Map<string, number>();
  const update = await measure(target, async () => {
    let seen = await auditCursor();
    pushedAt = Date.now();
    await publishTags(kc, image(target, "1.0.0"), ["1.0.0", "1.1.0"]);
    await waitFor(
      `${n} Deployments patched`,
      async () => {
        const read = await readAudit(seen);
        seen = read.next;
        for (const w of read.writes) {
          const key = `${w.namespace}/${w.name}`;
          if (
            target.namespaces.includes(w.namespace ?? "") &&
            w.resource === "deployments" &&
            w.verb === "patch" &&
            w.code === 200 &&
            w.user !== target.testUser &&
            !patched.has(key)
          )
            patched.set(key, w.at);
        }
        target.progress?.(`${patched.size} patched`);
        return patched.size >= n;
      },
      { timeoutMs: 600_000, intervalMs: 100 },
    );
  });
  const times = [...patched.values()].sort((a, b) => a - b);

  const rollout = await measure(target, async () => {
    await inParallel(workloads, 16, async ({ ns, name }) => {
      const path = `/apis/apps/v1/namespaces/${ns}/deployments/${name}`;
      const { metadata } = (await kubeRequest(kc, "GET", path)) as { metadata: { generation: number } };
      await kubeRequest(
        kc,
        "PATCH",
        `${path}/status`,
        {
          status: {
            observedGeneration: metadata.generation,
            replicas: 1,
            updatedReplicas: 1,
            readyReplicas: 1,
            availableReplicas: 1,
          },
        },
        "application/merge-patch+json",
      );
    });
    await waitFor(`${n} UpdateRequests Completed`, async () => (await completed(target)) >= n, {
      timeoutMs: 600_000,
      intervalMs: 500,
    });
  });

  return {
    n,
    namespaces: target.namespaces.length,
    creation: creation.cost,
    update: {
      ...update.cost,
      firstPatchSeconds: ((times[0] ?? pushedAt) - pushedAt) / 1000,
      lastPatchSeconds: ((times.at(-1) ?? pushedAt) - pushedAt) / 1000,
    },
    rollout: rollout.cost,
  };
}
