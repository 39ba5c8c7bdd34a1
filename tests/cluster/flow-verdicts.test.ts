// Flows c, d, e and h with real Metacontroller: a person's rejection sticks, an unanswered request
// expires on Metacontroller's own resync timer and is proposed again, a newer tag supersedes a
// pending request through the InPlace attachment update, and min-update-interval defers the next
// update until Metacontroller's timer says the interval is over.
import { describe, expect, it } from "vitest";
import { updateRequestName } from "../../src/core/updaterequests/update-request.ts";
import { applyObjects, waitFor } from "../helpers/cluster.ts";
import { type Flow, useFlows } from "../helpers/flows.ts";
import {
  deleteTags,
  headwindEvents,
  imageOf,
  kubectlPatchStatus,
  listUpdateRequests,
  publishTags,
  readWorkload,
  reportRolloutDone,
  workload,
} from "../helpers/headwind-objects.ts";

const flows = useFlows();

const target = (ns: string) => ({ apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: ns });

async function pendingProposal(f: Flow, tags: readonly string[]) {
  await applyObjects(
    flows.kc,
    [workload("web", f.image("1.2.0"), { annotations: { "headwind.sh/policy": "minor" } })],
    { namespace: f.ns },
  );
  const configMap = await publishTags(flows.kc, f.image("1.2.0"), tags);
  const ur = await f.waitForPhase("Pending");
  await f.settle();
  expect((await listUpdateRequests(flows.kc, f.ns)).map((u) => u.status?.phase)).toEqual(["Pending"]);
  return { configMap, ur };
}

const reasonsOn = async (ns: string, name: string) =>
  (await headwindEvents(flows.kc, ns))
    .filter((e) => e.regarding.name === name)
    .map((e) => `${e.type}/${e.reason}`)
    .sort();

const workloadSyncs = (f: Flow, after = 0) =>
  f.calls().filter((c) => c.path === "/hooks/workloads/sync" && c.at > after).length;

describe("flow: a person's verdict and time", () => {
  it("c: a rejection sticks: later syncs and a re-created tag ConfigMap never propose it again", async () => {
    const flow = await flows.start();
    const { ns, hooks } = flow;
    const { configMap, ur } = await pendingProposal(flow, ["1.2.0", "1.3.0"]);
    const name = ur.metadata.name;

    const before = Date.now();
    await kubectlPatchStatus(ns, name, {
      phase: "Rejected",
      rejectedBy: "headwind-admin",
      reason: "not before the release",
    });
    await flow.settle();
    const [after] = await listUpdateRequests(flows.kc, ns);
    expect(after?.status).toMatchObject({
      phase: "Rejected",
      rejectedBy: "headwind-admin",
      reason: "not before the release",
    });
    const rejectedAt = Date.parse(String(after?.status?.rejectedAt));
    expect(rejectedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(rejectedAt).toBeLessThanOrEqual(Date.now());

    // Hours later (the approval window long gone), and the sidecar re-creating the ConfigMap:
    // each change of the related ConfigMap makes Metacontroller sync the workload again.
    flow.clock.advance(4 * 3600);
    await deleteTags(flows.kc, configMap);
    await flow.settle();
    const recreatedAt = Date.now();
    await publishTags(flows.kc, flow.image("1.2.0"), ["1.2.0", "1.3.0"]);
    await flow.settle();
    expect(workloadSyncs(flow, recreatedAt)).toBeGreaterThan(0);

    const urs = await listUpdateRequests(flows.kc, ns);
    expect(urs.map((u) => [u.metadata.name, u.status?.phase])).toEqual([[name, "Rejected"]]);
    expect(await imageOf(flows.kc, ns, "web")).toBe(flow.image("1.2.0"));
    expect(flow.phases(name)).toEqual(["Pending", "Rejected"]);
    expect(await reasonsOn(ns, name)).toEqual(["Normal/UpdatePending", "Normal/UpdateRejected"]);
    expect(hooks.notifications.map((n) => n.event)).toEqual(["update_request_created", "update_rejected"]);
    expect(hooks.notifications[1]?.rejectionReason).toBe("not before the release");
    expect(await flow.problems()).toEqual([]);
  });

  it("d: past expiresAt the request expires on Metacontroller's resync timer; it is proposed again (attempt 1)", async () => {
    const ttl = 3;
    const flow = await flows.start({ settings: { approvalTtlSeconds: ttl } });
    const { ns, hooks } = flow;
    const { ur } = await pendingProposal(flow, ["1.2.0", "1.3.0"]);
    const to = flow.image("1.3.0");
    expect(ur.metadata.name).toBe(updateRequestName(target(ns), "app", to, 0));
    const created = Date.parse(String(ur.metadata.creationTimestamp));
    expect(Date.parse(ur.spec.expiresAt as string) - created).toBeGreaterThanOrEqual((ttl - 1) * 1000);
    // The hook asked to be woken when the request expires; nothing else touches it meanwhile.
    const waits = flow
      .calls()
      .filter(
        (c) => c.path === "/hooks/updaterequests/sync" && c.object === `UpdateRequest/${ur.metadata.name}`,
      )
      .map((c) => c.answer?.resyncAfterSeconds);
    expect(waits.length).toBeGreaterThan(0);
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(ttl);

    const again = updateRequestName(target(ns), "app", to, 1);
    const expired = await flow.waitForPhase("Expired", ur.metadata.name);
    const fresh = await flow.waitForPhase("Pending", again);
    expect(fresh.spec.newImage).toBe(to);
    expect(Date.parse(String(expired.metadata.creationTimestamp)) + ttl * 1000).toBeLessThanOrEqual(
      Date.now(),
    );
    expect(flow.phases(ur.metadata.name)).toEqual(["Pending", "Expired"]);
    // The phases come from a watch, which may tell a moment after the list above showed it.
    await waitFor(`the watch to tell ${again} Pending`, async () => flow.phases(again)[0] === "Pending");
    expect(await reasonsOn(ns, ur.metadata.name)).toEqual(["Normal/UpdatePending", "Warning/UpdateExpired"]);
    expect(hooks.notifications.slice(0, 2).map((n) => [n.event, n.updateRequestName])).toEqual([
      ["update_request_created", ur.metadata.name],
      ["update_request_created", again],
    ]);
    expect(await flow.problems()).toEqual([]);
  });

  it("e: a newer tag while one is pending: the old one gets spec.supersededBy and ends Superseded", async () => {
    const flow = await flows.start();
    const { ns } = flow;
    const { ur: old } = await pendingProposal(flow, ["1.2.0", "1.3.0"]);
    const name = updateRequestName(target(ns), "app", flow.image("1.4.0"), 0);

    await publishTags(flows.kc, flow.image("1.2.0"), ["1.2.0", "1.3.0", "1.4.0"]);
    await flow.waitForPhase("Superseded", old.metadata.name);
    await flow.waitForPhase("Pending", name);
    await flow.settle();
    const urs = Object.fromEntries((await listUpdateRequests(flows.kc, ns)).map((u) => [u.metadata.name, u]));
    expect(Object.keys(urs).sort()).toEqual([old.metadata.name, name].sort());
    expect(urs[old.metadata.name]?.spec.supersededBy).toBe(name);
    expect(urs[old.metadata.name]?.status).toMatchObject({
      phase: "Superseded",
      message: `superseded by ${name}`,
    });
    // The spec change reached the old request through Metacontroller's InPlace attachment update.
    expect(urs[old.metadata.name]?.metadata.generation).toBe(2);
    expect(flow.phases(old.metadata.name)).toEqual(["Pending", "Superseded"]);
    expect(await reasonsOn(ns, old.metadata.name)).toEqual([
      "Normal/UpdatePending",
      "Normal/UpdateSuperseded",
    ]);
    expect(await imageOf(flows.kc, ns, "web")).toBe(flow.image("1.2.0"));
    expect(await flow.problems()).toEqual([]);
  });

  it("h: min-update-interval defers the next update; Metacontroller's timer proposes it once the interval is over", async () => {
    const interval = 4;
    const flow = await flows.start();
    const { ns } = flow;
    const annotations = {
      "headwind.sh/policy": "minor",
      "headwind.sh/require-approval": "false",
      "headwind.sh/min-update-interval": `${interval}s`,
    };
    await applyObjects(flows.kc, [workload("web", flow.image("1.0.0"), { annotations })], { namespace: ns });
    await publishTags(flows.kc, flow.image("1.0.0"), ["1.0.0", "1.1.0"]);
    const first = await flow.waitForPhase("Progressing");
    await reportRolloutDone(flows.kc, ns, "web");
    await flow.waitForPhase("Completed", first.metadata.name);
    const lastUpdate = await waitFor(
      "the history annotation",
      async () => (await readWorkload(flows.kc, ns, "web")).metadata.annotations?.["headwind.sh/last-update"],
    );

    const pushed = Date.now();
    await publishTags(flows.kc, flow.image("1.0.0"), ["1.0.0", "1.1.0", "1.2.0"]);
    const deferral = await waitFor("a workloads sync that defers 1.2.0", async () =>
      flow
        .calls()
        .find(
          (c) =>
            c.path === "/hooks/workloads/sync" && c.at > pushed && c.answer?.resyncAfterSeconds !== undefined,
        ),
    );
    expect(deferral.answer?.resyncAfterSeconds).toBeGreaterThan(0);
    expect(deferral.answer?.resyncAfterSeconds).toBeLessThanOrEqual(interval);
    expect((await listUpdateRequests(flows.kc, ns)).length).toBe(1);

    const second = await waitFor(
      "the deferred update",
      async () =>
        (await listUpdateRequests(flows.kc, ns)).find((u) => u.spec.newImage === flow.image("1.2.0")),
      { timeoutMs: 30_000 },
    );
    // Whole seconds on both sides: the proposal comes no earlier than the interval allows.
    const waited = Date.parse(String(second.metadata.creationTimestamp)) - Date.parse(lastUpdate);
    expect(waited).toBeGreaterThanOrEqual((interval - 1) * 1000);
    await flow.waitForPhase("Progressing", second.metadata.name);
    expect(await imageOf(flows.kc, ns, "web")).toBe(flow.image("1.2.0"));
    expect(await flow.problems()).toEqual([]);
  });
});
