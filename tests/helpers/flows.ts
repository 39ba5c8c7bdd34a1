/**
 * Flow tests on the real thing: per test file, real Metacontroller (tests/helpers/metacontroller.ts)
 * runs the repository's DecoratorControllers against a hooks router on loopback; per test, a fresh
 * namespace with its own hooks app (clock, settings, recording notifier) acting through the real
 * executor as the hooks ServiceAccount. What Metacontroller writes is observed on the apiserver:
 * every UpdateRequest phase through a watch, every hook call and answer through the router.
 */

import type { KubeConfig } from "@kubernetes/client-node";
import { trace } from "@opentelemetry/api";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { Clock } from "../../src/core/time/clock.ts";
import type { HookSettings } from "../../src/hooks-server/config/hook-settings.ts";
import { createExecutor } from "../../src/hooks-server/effects/create-executor.ts";
import { createKubeGateway, type KubeGateway } from "../../src/hooks-server/effects/kube-gateway.ts";
import { createHookMetrics } from "../../src/hooks-server/http/create-hook-metrics.ts";
import { createHooksApp } from "../../src/hooks-server/http/create-hooks-app.ts";
import type { Notifier } from "../../src/hooks-server/notify/create-notifier.ts";
import type { Notification } from "../../src/hooks-server/notify/notification.ts";
import { createKubeTransport } from "../../src/kube/create-kube-transport.ts";
import { createKubeWatch } from "../../src/kube/create-kube-watch.ts";
import { listAndWatch } from "../../src/kube/list-and-watch.ts";
import { installAdmission } from "./admission.ts";
import { adminConfig, createTestNamespace, kubeRequest, randomName, waitFor } from "./cluster.ts";
import { headwindNamespace, hooksServiceAccount, installHeadwind } from "./headwind-install.ts";
import { listUpdateRequests, type UpdateRequestObject } from "./headwind-objects.ts";
import { logSink } from "./hooks-app.ts";
import {
  type Handler,
  type HookCall,
  type HooksRouter,
  outageMessage,
  startHooksRouter,
} from "./hooks-router.ts";
import {
  isIdle,
  type Metacontroller,
  type MetacontrollerOptions,
  startMetacontroller,
} from "./metacontroller.ts";
import { type ControllerOptions, installControllers } from "./metacontroller-controllers.ts";

/** A settable clock for flows: `now` is the hooks' Clock. */
export interface OffsetClock {
  readonly now: Clock;
  /** Skips ahead: the hooks see a later time at once; Metacontroller's timers still run in real time. */
  advance(seconds: number): void;
}

/** Real time plus whatever the test skipped, so objects' timestamps and the hooks' "now" agree. */
export function offsetClock(): OffsetClock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance: (seconds) => {
      offsetMs += seconds * 1000;
    },
  };
}

export const flowSettings: HookSettings = {
  namespace: headwindNamespace,
  approvalTtlSeconds: 3600,
  historyLimit: 10,
  effectBudgetMs: 15_000,
};

export interface FlowHooks {
  readonly handler: Handler;
  readonly notifications: Notification[];
  readonly logs: Record<string, unknown>[];
  readonly registry: Registry;
}

export interface FlowHooksOptions {
  readonly gatewayConfig: KubeConfig;
  readonly clock: OffsetClock;
  readonly settings: HookSettings;
  /** The credentials the hooks accept (what Metacontroller reads from the Secret); the list may change later. */
  readonly hookTokens: string[];
  /** Instead of recording: a real notifier, to a receiver the test runs. */
  readonly notify?: Notifier;
  /** Wraps the real gateway (to pause it at a chosen call, or weaken it for a negative control). */
  readonly wrapGateway?: (real: KubeGateway) => KubeGateway;
}

/** The hooks app as src/hooks-server/main.ts builds it, with a recording notifier. */
export function flowHooks(options: FlowHooksOptions): FlowHooks {
  const notifications: Notification[] = [];
  const record: Notifier = async (notification) => {
    notifications.push(notification);
    return [];
  };
  const { logger, lines } = logSink();
  const real = createKubeGateway(createKubeTransport(options.gatewayConfig));
  const gateway = options.wrapGateway?.(real) ?? real;
  const execute = createExecutor({
    gateway,
    notify: options.notify ?? record,
    clock: options.clock.now,
    instance: "cluster-test",
  });
  const registry = new Registry();
  const app = createHooksApp({
    logger,
    metrics: createHookMetrics(registry),
    hookAuth: { mode: "bearer", tokens: options.hookTokens },
    execute,
    gateway,
    clock: options.clock.now,
    settings: options.settings,
    tracer: trace.getTracer("cluster-test"),
  });
  return { handler: app.fetch, notifications, logs: lines, registry };
}

/** Every phase each UpdateRequest of a namespace went through, as the apiserver's watch told it. */
function recordPhases(kc: KubeConfig, namespace: string, signal: AbortSignal) {
  const phases = new Map<string, string[]>();
  const note = (ur: UpdateRequestObject) => {
    const seen = phases.get(ur.metadata.name) ?? [];
    const phase = ur.status?.phase;
    if (phase !== undefined && seen.at(-1) !== phase) seen.push(phase);
    phases.set(ur.metadata.name, seen);
  };
  let listed: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    listed = resolve;
  });
  const path = `/apis/headwind.sh/v1alpha1/namespaces/${namespace}/updaterequests`;
  void listAndWatch<UpdateRequestObject>({
    list: async () => {
      const list = (await kubeRequest(kc, "GET", path)) as {
        items: UpdateRequestObject[];
        metadata: { resourceVersion: string };
      };
      return { items: list.items, resourceVersion: list.metadata.resourceVersion };
    },
    watch: createKubeWatch(kc),
    path,
    onList: (items) => {
      items.forEach(note);
      listed();
    },
    onEvent: (event) => note(event.object),
    signal,
  });
  return { ready, phases: (name: string) => [...(phases.get(name) ?? [])] };
}

export interface Flow {
  readonly ns: string;
  readonly clock: OffsetClock;
  readonly hooks: FlowHooks;
  /** An image in a repository only this flow uses: `registry.test:5000/<ns>/app:<tag>`. */
  image(tag: string): string;
  /** Another namespace served by this flow's hooks (and emptied when it closes). */
  alsoIn(): Promise<string>;
  /** Hook calls about this flow's objects (in all its namespaces), oldest first. */
  calls(): HookCall[];
  /** Every phase the UpdateRequest was written with, in order. */
  phases(name: string): string[];
  /** Hook answers other than 200, and Metacontroller's SyncError Events (but for outages a test made), in all its namespaces. */
  problems(): Promise<string[]>;
  /** Waits until one UpdateRequest (the only one, or the named one) is in `phase`. */
  waitForPhase(phase: string, name?: string): Promise<UpdateRequestObject>;
  /** Waits until Metacontroller has nothing left to do and no hook call came for a while. */
  settle(quietMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FlowOptions
  extends Partial<Pick<FlowHooksOptions, "notify" | "wrapGateway" | "hookTokens">> {
  readonly settings?: Partial<HookSettings>;
}

export interface Flows {
  /** The admin client, once beforeAll has run. */
  readonly kc: KubeConfig;
  /** The hook credential in the Secret hooks/*.yaml names (what Metacontroller sends). */
  readonly credential: string;
  readonly router: HooksRouter;
  readonly metacontroller: Metacontroller;
  /** A fresh flow for this test, closed after it. */
  start(options?: FlowOptions): Promise<Flow>;
}

const workloadCollections = [
  "apps/v1/deployments",
  "apps/v1/statefulsets",
  "apps/v1/daemonsets",
  "batch/v1/cronjobs",
];

/**
 * Leaves nothing for a later test file's Metacontroller (or sidecar) to sync: workloads first, then
 * requests.
 */
export async function emptyNamespace(kc: KubeConfig, ns: string): Promise<void> {
  for (const collection of [...workloadCollections, "headwind.sh/v1alpha1/updaterequests"]) {
    const [group, version, resource] = collection.split("/");
    await kubeRequest(kc, "DELETE", `/apis/${group}/${version}/namespaces/${ns}/${resource}`);
  }
}

async function syncErrorEvents(kc: KubeConfig, ns: string): Promise<string[]> {
  const list = (await kubeRequest(
    kc,
    "GET",
    `/api/v1/namespaces/${ns}/events?fieldSelector=reason=SyncError`,
  )) as {
    items: { involvedObject: { kind: string; name: string }; message: string }[];
  };
  return list.items.map((e) => `${e.involvedObject.kind}/${e.involvedObject.name}: ${e.message}`);
}

interface FlowsState {
  readonly kc: KubeConfig;
  readonly asHooks: KubeConfig;
  readonly router: HooksRouter;
  readonly metacontroller: Metacontroller;
  /** The hook credential installControllers wrote into the Secret hooks/*.yaml names. */
  readonly credential: string;
}

export async function startFlow(flows: FlowsState, options: FlowOptions = {}): Promise<Flow> {
  const { kc, router, metacontroller } = flows;
  const ns = await createTestNamespace(kc, "hw-flow");
  const clock = offsetClock();
  const hooks = flowHooks({
    gatewayConfig: flows.asHooks,
    clock,
    settings: { ...flowSettings, ...options.settings },
    hookTokens: options.hookTokens ?? [flows.credential],
    ...(options.notify ? { notify: options.notify } : {}),
    ...(options.wrapGateway ? { wrapGateway: options.wrapGateway } : {}),
  });
  const stop = new AbortController();
  const recorder = recordPhases(kc, ns, stop.signal);
  await recorder.ready;
  router.route(ns, hooks.handler);
  const namespaces = [ns];
  const calls = () => namespaces.flatMap((n) => router.calls(n)).sort((a, b) => a.at - b.at);
  return {
    ns,
    clock,
    hooks,
    image: (tag) => `registry.test:5000/${ns}/app:${tag}`,
    alsoIn: async () => {
      const more = await createTestNamespace(kc, "hw-flow");
      namespaces.push(more);
      router.route(more, hooks.handler);
      return more;
    },
    calls,
    phases: recorder.phases,
    problems: async () => [
      ...calls()
        .filter((c) => c.status !== 200)
        .map((c) => `${c.path} ${c.namespace}/${c.object}: HTTP ${c.status}`),
      ...(await Promise.all(namespaces.map((n) => syncErrorEvents(kc, n))))
        .flat()
        .filter((e) => !e.includes(outageMessage)),
    ],
    waitForPhase: (phase, name) =>
      waitFor(
        `UpdateRequest ${name ?? "(the only one)"} in ${ns} to be ${phase}`,
        async () => {
          const urs = await listUpdateRequests(kc, ns);
          const ur =
            name === undefined && urs.length === 1 ? urs[0] : urs.find((u) => u.metadata.name === name);
          return ur?.status?.phase === phase ? ur : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      ),
    settle: async (quietMs = 1000) => {
      const since = Date.now();
      await waitFor(
        "Metacontroller and the hooks to go quiet",
        async () => {
          const quiet = Date.now() - Math.max(since, router.lastCallAt(ns)) >= quietMs;
          return quiet && (await isIdle(metacontroller));
        },
        { timeoutMs: 600_000, intervalMs: 100 },
      );
    },
    close: async () => {
      for (const n of namespaces) router.unroute(n);
      stop.abort();
      for (const n of namespaces) await emptyNamespace(kc, n);
    },
  };
}

/**
 * For a flow test file: installs Headwind, starts the hooks router and a Metacontroller of its own
 * (a fresh instance label, so no other file's controllers are ever its business), and gives each
 * test its own flow.
 */
export function useFlows(
  options: Partial<Omit<MetacontrollerOptions, "instance">> = {},
  controllers: ControllerOptions = {},
): Flows {
  let state: FlowsState | undefined;
  let current: Flow | undefined;
  beforeAll(async () => {
    const kc = adminConfig();
    await installHeadwind(kc);
    const asHooks = await hooksServiceAccount(kc);
    await installAdmission(kc, asHooks);
    const router = await startHooksRouter();
    const instance = randomName("flows");
    const { credential } = await installControllers(kc, router.url, instance, controllers);
    if (credential === undefined) throw new Error("hooks/*.yaml name no webhook.authorization Secret");
    const metacontroller = await startMetacontroller({ ...options, instance });
    state = { kc, asHooks, router, metacontroller, credential };
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  afterAll(async () => {
    await state?.metacontroller.stop();
    await state?.router.close();
  });
  const ready = () => {
    if (state === undefined) throw new Error("useFlows: Metacontroller runs only inside tests");
    return state;
  };
  return {
    get kc() {
      return ready().kc;
    },
    get credential() {
      return ready().credential;
    },
    get router() {
      return ready().router;
    },
    get metacontroller() {
      return ready().metacontroller;
    },
    async start(flowOptions = {}) {
      current = await startFlow(ready(), flowOptions);
      return current;
    },
  };
}
