// The hook credential and the effect budget with the real Metacontroller (v4.17.2 binary): it reads
// webhook.authorization's Secret itself and sends the bearer value on every call; the hooks answer
// 401 until they accept that value (added to the accepted list while running, as a rotation does),
// then a whole update runs: proposal, kubectl approval, patch, rollout, Completed. The notification
// receiver answers each request only after Metacontroller's hook timeout has passed, and still every
// phase is written once and every notification arrives exactly once.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { KubeConfig } from "@kubernetes/client-node";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotifier } from "../../src/hooks-server/notify/create-notifier.ts";
import { installAdmission } from "../helpers/admission.ts";
import { adminConfig, applyObjects, createTestNamespace, kubeRequest, waitFor } from "../helpers/cluster.ts";
import {
  controllableClock,
  ensureHookCredential,
  flowSettings,
  type HooksServer,
  hooksServiceAccount,
  imageOf,
  installHeadwind,
  kubectlPatchStatus,
  listUpdateRequests,
  phasesWritten,
  publishTags,
  reportRolloutDone,
  startHooksServer,
  workload,
} from "../helpers/metacontroller-harness.ts";
import {
  instanceLabel,
  type RealMetacontroller,
  startRealMetacontroller,
} from "../helpers/real-metacontroller.ts";
import { type LoopbackServer, listenOnLoopback } from "../helpers/registry-listen.ts";

/** Metacontroller gives the UpdateRequests sync this long (hooks/*.yaml says 30s; shortened here). */
const hookTimeoutMs = 4_000;
/** The hooks' effect budget: well under the hook timeout. */
const budgetMs = 1_500;
/** The receiver answers only after the hook timeout has passed. */
const receiverDelayMs = hookTimeoutMs + 2_000;

let kc: KubeConfig;
let ns: string;
let hooks: HooksServer;
let mc: RealMetacontroller;
let receiver: LoopbackServer;
const accepted: string[] = [];
/** The value in the Secret hooks/*.yaml names: what Metacontroller sends. */
let credential: string;
const received: string[] = [];
const name = `mc-${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  kc = adminConfig();
  await installHeadwind(kc);
  const asHooks = await hooksServiceAccount(kc);
  await installAdmission(kc, asHooks);
  const app = new Hono();
  app.post("/notify", async (c) => {
    received.push(((await c.req.json()) as { event: string }).event);
    await sleep(receiverDelayMs);
    return c.text("ok");
  });
  receiver = await listenOnLoopback(app.fetch);
  // Until the test accepts the Secret's value, the hooks accept only another one.
  accepted.push(randomBytes(32).toString("hex"));
  const notify = createNotifier({
    config: {
      webhook: { url: `${receiver.origin}/notify`, secret: undefined, timeoutMs: 30_000, maxRetries: 3 },
    },
    fetch,
    clock: () => new Date(),
    sleep: (ms, signal) => sleep(ms, undefined, { signal }),
  });
  hooks = await startHooksServer({
    gatewayConfig: asHooks,
    clock: controllableClock(),
    settings: { ...flowSettings, effectBudgetMs: budgetMs },
    hookToken: accepted,
    notify,
  });
  ns = await createTestNamespace(kc, "hw-real-mc");
  // The Secret exists before the controllers: Metacontroller resolves it when it starts them.
  credential = await ensureHookCredential(kc);
  mc = await startRealMetacontroller(kc, {
    hooksUrl: hooks.url,
    workloadNames: [name],
    syncTimeout: `${hookTimeoutMs / 1000}s`,
  });
});

afterAll(async () => {
  await mc?.stop();
  await hooks?.close();
  await receiver?.close();
});

const metric = async (metricName: string) =>
  (await hooks.registry.getSingleMetricAsString(metricName)).split("\n");
const count = (lines: string[], prefix: string) =>
  lines.filter((l) => l.startsWith(prefix)).reduce((n, l) => n + Number(l.split(" ").pop()), 0);

async function phaseOf(): Promise<string | undefined> {
  return (await listUpdateRequests(kc, ns))[0]?.status?.phase;
}

describe("real Metacontroller with the hook credential", () => {
  it("sends webhook.authorization from the Secret: 401 until the hooks accept it, then a whole update runs", async () => {
    const from = `registry.test:5000/${ns}/app:1.0.0`;
    const to = `registry.test:5000/${ns}/app:1.1.0`;
    await applyObjects(
      kc,
      [
        {
          ...workload(name, from),
          // No minimum interval: the rotation test below proposes again right after this update.
          metadata: {
            name,
            labels: { [instanceLabel]: mc.instance },
            annotations: { "headwind.sh/policy": "minor", "headwind.sh/min-update-interval": "0" },
          },
        },
      ],
      { namespace: ns },
    );
    await publishTags(kc, from, ["1.0.0", "1.1.0"]);

    const unauthorized = await waitFor(
      "Metacontroller's hook calls to be refused",
      async () => {
        const n = count(await metric("headwind_hook_unauthorized_total"), "headwind_hook_unauthorized_total");
        return n > 0 ? n : undefined;
      },
      { timeoutMs: 60_000 },
    ).catch((error: unknown) => {
      throw new Error(`${error}\n--- metacontroller ---\n${mc.output()}`);
    });
    expect(unauthorized).toBeGreaterThan(0);
    expect(await listUpdateRequests(kc, ns)).toEqual([]);

    // The rotation's first step: the hooks now accept the Secret's value as well.
    accepted.push(credential);
    await waitFor("the proposal", async () => (await phaseOf()) === "Pending", { timeoutMs: 90_000 });
    const [ur] = await listUpdateRequests(kc, ns);
    await kubectlPatchStatus(ns, ur?.metadata.name ?? "", {
      phase: "Approved",
      approvedBy: "headwind-admin",
    });
    await waitFor("the patch", async () => (await imageOf(kc, ns, name)) === to, { timeoutMs: 60_000 });
    await waitFor("Progressing", async () => (await phaseOf()) === "Progressing", { timeoutMs: 60_000 });
    await reportRolloutDone(kc, ns, name);
    await waitFor("Completed", async () => (await phaseOf()) === "Completed", { timeoutMs: 60_000 });

    const codes = await metric("headwind_hook_requests_total");
    expect(
      count(codes, 'headwind_hook_requests_total{hook="updaterequests/sync",code="200"}'),
    ).toBeGreaterThan(0);
    expect(count(codes, 'headwind_hook_requests_total{hook="workloads/sync",code="200"}')).toBeGreaterThan(0);
  });

  it("a notification endpoint slower than the hook timeout: each phase written once, each notification sent once", async () => {
    const [ur] = await listUpdateRequests(kc, ns);
    const urName = ur?.metadata.name ?? "";
    // Let any retry Metacontroller might still make arrive before counting.
    await sleep(2 * hookTimeoutMs);
    expect(phasesWritten(hooks.logs, urName)).toEqual(["Pending", "Applying", "Progressing", "Completed"]);
    expect(received.sort()).toEqual(["update_approved", "update_completed", "update_request_created"]);
    expect(ur?.status?.notified).toEqual([
      "Pending/update_request_created",
      "Applying/update_approved",
      "Completed/update_completed",
    ]);
    // Every slow notification gave up at the budget and was counted as not delivered, never retried.
    const effects = await metric("headwind_effects_total");
    expect(count(effects, 'headwind_effects_total{type="notify",result="undelivered"}')).toBe(3);
    // No hook call ran into Metacontroller's timeout: the answers were never lost.
    const buckets = (await metric("headwind_reconcile_duration_seconds")).filter(
      (l) =>
        l.startsWith("headwind_reconcile_duration_seconds_bucket") &&
        l.includes('hook="updaterequests/sync"'),
    );
    expect(buckets.length).toBeGreaterThan(0);
    const within = (le: string) =>
      count(
        buckets.filter((l) => l.includes(`le="${le}"`)),
        "headwind_",
      );
    expect(within("5")).toBe(within("+Inf"));
  });

  it("a rotation as the README does it: new value accepted, Secret swapped, Metacontroller restarted, old value dropped, no 401", async () => {
    const refusedBefore = count(
      await metric("headwind_hook_unauthorized_total"),
      "headwind_hook_unauthorized_total",
    );
    const next = randomBytes(32).toString("hex");
    accepted.push(next);
    await kubeRequest(
      kc,
      "PATCH",
      `/api/v1/namespaces/headwind/secrets/headwind-hook-credentials`,
      {
        stringData: { token: next, accepted: credential },
      },
      "application/merge-patch+json",
    );
    await mc.restart();
    accepted.splice(accepted.indexOf(credential), 1);
    const from = `registry.test:5000/${ns}/app:1.0.0`;
    await publishTags(kc, from, ["1.0.0", "1.1.0", "1.2.0"]);
    await waitFor(
      "a proposal for 1.2.0 made with the new value",
      async () =>
        (await listUpdateRequests(kc, ns)).some(
          (u) => u.spec.newImage.endsWith(":1.2.0") && u.status?.phase === "Pending",
        ),
      { timeoutMs: 90_000 },
    ).catch((error: unknown) => {
      const synced = hooks.logs.filter((l) => l.msg === "workload synced").slice(-3);
      throw new Error(
        `${error}\n--- hooks ---\n${JSON.stringify(synced)}\n--- metacontroller ---\n${mc.output()}`,
      );
    });
    expect(count(await metric("headwind_hook_unauthorized_total"), "headwind_hook_unauthorized_total")).toBe(
      refusedBefore,
    );
    await kubeRequest(
      kc,
      "PATCH",
      `/api/v1/namespaces/headwind/secrets/headwind-hook-credentials`,
      [{ op: "remove", path: "/data/accepted" }],
      "application/json-patch+json",
    );
  });
});
