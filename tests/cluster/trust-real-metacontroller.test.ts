// The hook credential and the effect budget with real Metacontroller (tests/helpers/flows.ts): it
// reads webhook.authorization's Secret itself and sends the bearer value on every call; the hooks
// answer 401 until they accept that value, then a whole update runs — proposal, kubectl approval,
// patch, rollout, Completed — while the notification receiver answers each request only after
// Metacontroller's hook timeout: every phase is written once and every notification arrives once.
// Then a rotation as the README does it, with Metacontroller restarted to resolve the Secret again.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotifier } from "../../src/hooks-server/notify/create-notifier.ts";
import { applyObjects, kubeRequest, waitFor } from "../helpers/cluster.ts";
import { type Flow, useFlows } from "../helpers/flows.ts";
import {
  imageOf,
  kubectlPatchStatus,
  listUpdateRequests,
  publishTags,
  reportRolloutDone,
  workload,
} from "../helpers/headwind-objects.ts";
import { metricSum, startMetacontroller } from "../helpers/metacontroller.ts";
import { type LoopbackServer, listenOnLoopback } from "../helpers/registry-listen.ts";

/** Metacontroller gives the sync hooks this long here (hooks/*.yaml say 30s for UpdateRequests). */
const hookTimeoutMs = 4_000;
/** The hooks' effect budget: well under the hook timeout. */
const budgetMs = 1_500;
/** The receiver answers only after the hook timeout has passed. */
const receiverDelayMs = hookTimeoutMs + 2_000;
const secretPath = "/api/v1/namespaces/headwind/secrets/headwind-hook-credentials";

const flows = useFlows({}, { syncTimeout: `${hookTimeoutMs / 1000}s` });
let receiver: LoopbackServer;
const received: string[] = [];

beforeAll(async () => {
  const app = new Hono();
  app.post("/notify", async (c) => {
    received.push(((await c.req.json()) as { event: string }).event);
    await sleep(receiverDelayMs);
    return c.text("ok");
  });
  receiver = await listenOnLoopback(app.fetch);
});

afterAll(async () => {
  await receiver?.close();
});

const slowNotifier = () =>
  createNotifier({
    config: {
      webhook: { url: `${receiver.origin}/notify`, secret: undefined, timeoutMs: 30_000, maxRetries: 3 },
    },
    fetch,
    clock: Date.now,
    sleep: (ms, signal) => sleep(ms, undefined, { signal }),
  });

async function deploy(flow: Flow, name: string, tags: string[]): Promise<void> {
  const from = flow.image("1.0.0");
  // No minimum interval: the rotation proposes again right after an update.
  const annotations = { "headwind.sh/policy": "minor", "headwind.sh/min-update-interval": "0" };
  await applyObjects(flows.kc, [workload(name, from, { annotations })], { namespace: flow.ns });
  await publishTags(flows.kc, from, tags);
}

const hookMetric = async (flow: Flow, name: string, labels: Record<string, string> = {}) =>
  metricSum(await flow.hooks.registry.metrics(), name, labels);

describe("real Metacontroller with the hook credential", () => {
  it("401 until the hooks accept the Secret's value; then a whole update, each phase written once and each notification sent once to a receiver slower than the hook timeout", async () => {
    // Until the test accepts the Secret's value, the hooks accept only another one.
    const accepted = [randomBytes(32).toString("hex")];
    const flow = await flows.start({
      hookTokens: accepted,
      notify: slowNotifier(),
      settings: { effectBudgetMs: budgetMs },
    });
    await deploy(flow, "web", ["1.0.0", "1.1.0"]);
    await waitFor("Metacontroller's hook calls to be refused", async () =>
      flow.calls().some((c) => c.status === 401),
    );
    expect(await listUpdateRequests(flows.kc, flow.ns)).toEqual([]);
    expect(await hookMetric(flow, "headwind_hook_unauthorized_total", { reason: "invalid" })).toBeGreaterThan(
      0,
    );

    // What a rotation's first step does: the hooks accept the Secret's value as well.
    accepted.push(flows.credential);
    const pending = await flow.waitForPhase("Pending");
    const name = pending.metadata.name;
    await kubectlPatchStatus(flow.ns, name, { phase: "Approved", approvedBy: "headwind-admin" });
    await waitFor("the patch", async () => (await imageOf(flows.kc, flow.ns, "web")) === flow.image("1.1.0"));
    await flow.waitForPhase("Progressing");
    await reportRolloutDone(flows.kc, flow.ns, "web");
    const done = await flow.waitForPhase("Completed");
    // Long enough for any retry of a call Metacontroller had given up on to arrive.
    await sleep(2 * hookTimeoutMs);
    await flow.settle();

    expect(flow.phases(name)).toEqual(["Pending", "Approved", "Applying", "Progressing", "Completed"]);
    expect(received.sort()).toEqual(["update_approved", "update_completed", "update_request_created"]);
    expect(done.status?.notified).toEqual([
      "Pending/update_request_created",
      "Applying/update_approved",
      "Completed/update_completed",
    ]);
    // Every slow notification gave up at the budget, was counted, and was never sent again.
    expect(await hookMetric(flow, "headwind_effects_total", { type: "notify", result: "undelivered" })).toBe(
      3,
    );
    // No UpdateRequests sync ran into Metacontroller's timeout: each answer arrived.
    const syncs = flow.calls().filter((c) => c.path === "/hooks/updaterequests/sync" && c.status === 200);
    expect(syncs.length).toBeGreaterThan(0);
    const text = await flow.hooks.registry.metrics();
    const within = (le: string) =>
      metricSum(text, "headwind_reconcile_duration_seconds_bucket", { hook: "updaterequests/sync", le });
    expect(within("5")).toBe(within("+Inf"));
    // The 401s this test provoked (answers, and Metacontroller's SyncError Events about them) aside.
    expect((await flow.problems()).filter((p) => !/\b401\b/.test(p))).toEqual([]);
  });

  it("a rotation as the README does it: new value accepted, Secret swapped, Metacontroller restarted, old value dropped, no 401", async () => {
    const old = flows.credential;
    const accepted = [old];
    const flow = await flows.start({ hookTokens: accepted });
    await deploy(flow, "api", ["1.0.0", "1.1.0"]);
    await flow.waitForPhase("Pending");

    const next = randomBytes(32).toString("hex");
    accepted.push(next);
    await kubeRequest(
      flows.kc,
      "PATCH",
      secretPath,
      { stringData: { token: next, accepted: old } },
      "application/merge-patch+json",
    );
    await flows.metacontroller.stop();
    const restarted = await startMetacontroller({ instance: flows.metacontroller.instance });
    try {
      accepted.splice(accepted.indexOf(old), 1);
      await publishTags(flows.kc, flow.image("1.0.0"), ["1.0.0", "1.1.0", "1.2.0"]);
      await waitFor(
        "a proposal for 1.2.0, made with the new value",
        async () =>
          (await listUpdateRequests(flows.kc, flow.ns)).some(
            (u) => u.spec.newImage === flow.image("1.2.0") && u.status?.phase === "Pending",
          ),
        { timeoutMs: 60_000 },
      );
      expect(flow.calls().filter((c) => c.status === 401)).toEqual([]);
    } finally {
      await restarted.stop();
      await kubeRequest(
        flows.kc,
        "PATCH",
        secretPath,
        [{ op: "remove", path: "/data/accepted" }],
        "application/json-patch+json",
      );
    }
  });
});
