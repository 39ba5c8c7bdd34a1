import { describe, expect, it } from "vitest";
import { updateRequestName } from "../../src/core/updaterequests/update-request.ts";
import { applyObjects } from "../helpers/cluster.ts";
import {
  deleteTags,
  type Flow,
  flowSettings,
  headwindEvents,
  imageOf,
  kubectlPatchStatus,
  listUpdateRequests,
  passErrors,
  phasesWritten,
  publishTags,
  useFlows,
  workload,
} from "../helpers/metacontroller-harness.ts";

const flows = useFlows();

const target = (ns: string) => ({ apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: ns });

async function pendingProposal(f: Flow, tags: readonly string[]) {
  await applyObjects(
    flows.kc,
    [workload("web", f.image("1.2.0"), { annotations: { "headwind.sh/policy": "minor" } })],
    {
      namespace: f.ns,
    },
  );
  const configMap = await publishTags(flows.kc, f.image("1.2.0"), tags);
  const reports = await f.driver.settle();
  expect(passErrors(reports)).toEqual([]);
  const urs = await listUpdateRequests(flows.kc, f.ns);
  expect(urs.map((ur) => ur.status?.phase)).toEqual(["Pending"]);
  return { configMap, ur: urs[0] as (typeof urs)[number] };
}

const reasonsOn = async (ns: string, name: string) =>
  (await headwindEvents(flows.kc, ns))
    .filter((e) => e.regarding.name === name)
    .map((e) => `${e.type}/${e.reason}`)
    .sort();

describe("flow: a person's verdict and time", () => {
  it("c: a rejection sticks: later passes and a re-created tag ConfigMap never propose it again", async () => {
    const flow = await flows.start();
    const { ns, driver, hooks, clock } = flow;
    const { configMap, ur } = await pendingProposal(flow, ["1.2.0", "1.3.0"]);
    const name = ur.metadata.name;

    await kubectlPatchStatus(ns, name, {
      phase: "Rejected",
      rejectedBy: "headwind-admin",
      reason: "not before the release",
    });
    const rejected = await driver.settle();
    expect(passErrors(rejected)).toEqual([]);
    const [after] = await listUpdateRequests(flows.kc, ns);
    expect(after?.status).toMatchObject({
      phase: "Rejected",
      rejectedBy: "headwind-admin",
      reason: "not before the release",
    });
    expect(after?.status?.rejectedAt).toBe(clock.now().toISOString());

    // Hours later (every resync due, the approval window long gone), and the sidecar re-creating the ConfigMap.
    clock.advance(4 * 3600);
    const later = await driver.settle();
    await deleteTags(flows.kc, configMap);
    const gone = await driver.settle();
    await publishTags(flows.kc, flow.image("1.2.0"), ["1.2.0", "1.3.0"]);
    const recreated = await driver.settle();
    expect(passErrors([...later, ...gone, ...recreated])).toEqual([]);
    expect(recreated.flatMap((r) => r.synced).some((s) => s.parent.startsWith("Deployment"))).toBe(true);

    const urs = await listUpdateRequests(flows.kc, ns);
    expect(urs.map((u) => [u.metadata.name, u.status?.phase])).toEqual([[name, "Rejected"]]);
    expect(await imageOf(flows.kc, ns, "web")).toBe(flow.image("1.2.0"));
    // A person wrote Rejected; the hooks only acknowledged it (rejectedAt, the notification).
    expect(phasesWritten(hooks.logs, name)).toEqual(["Pending"]);
    expect(await reasonsOn(ns, name)).toEqual(["Normal/UpdatePending", "Normal/UpdateRejected"]);
    expect(hooks.notifications.map((n) => n.event)).toEqual(["update_request_created", "update_rejected"]);
    expect(hooks.notifications[1]?.rejectionReason).toBe("not before the release");
  });

  it("d: past expiresAt the request expires; the next pass proposes it again (new name, attempt 1)", async () => {
    const flow = await flows.start();
    const { ns, driver, hooks, clock } = flow;
    const { ur } = await pendingProposal(flow, ["1.2.0", "1.3.0"]);
    const to = flow.image("1.3.0");
    expect(ur.metadata.name).toBe(updateRequestName(target(ns), "app", to, 0));
    expect(ur.spec.expiresAt).toBe(
      new Date(clock.ms() + flowSettings.approvalTtlSeconds * 1000).toISOString(),
    );
    // The hook asked to be woken when the request expires.
    expect(driver.nextResyncSeconds()).toBe(flowSettings.approvalTtlSeconds);

    clock.advance(flowSettings.approvalTtlSeconds + 1);
    const expired = await driver.settle();
    expect(passErrors(expired)).toEqual([]);
    const again = updateRequestName(target(ns), "app", to, 1);
    const urs = await listUpdateRequests(flows.kc, ns);
    expect(Object.fromEntries(urs.map((u) => [u.metadata.name, u.status?.phase]))).toEqual({
      [ur.metadata.name]: "Expired",
      [again]: "Pending",
    });
    expect(urs.find((u) => u.metadata.name === again)?.spec.newImage).toBe(to);
    expect(phasesWritten(hooks.logs, ur.metadata.name)).toEqual(["Pending", "Expired"]);
    expect(phasesWritten(hooks.logs, again)).toEqual(["Pending"]);
    expect(await reasonsOn(ns, ur.metadata.name)).toEqual(["Normal/UpdatePending", "Warning/UpdateExpired"]);
    expect(hooks.notifications.map((n) => [n.event, n.updateRequestName])).toEqual([
      ["update_request_created", ur.metadata.name],
      ["update_request_created", again],
    ]);
  });

  it("e: a newer tag while one is pending: the old one gets spec.supersededBy and ends Superseded", async () => {
    const flow = await flows.start();
    const { ns, driver, hooks } = flow;
    const { ur: old } = await pendingProposal(flow, ["1.2.0", "1.3.0"]);

    await publishTags(flows.kc, flow.image("1.2.0"), ["1.2.0", "1.3.0", "1.4.0"]);
    const newer = await driver.settle();
    expect(passErrors(newer)).toEqual([]);
    const name = updateRequestName(target(ns), "app", flow.image("1.4.0"), 0);
    const urs = Object.fromEntries((await listUpdateRequests(flows.kc, ns)).map((u) => [u.metadata.name, u]));
    expect(Object.keys(urs).sort()).toEqual([old.metadata.name, name].sort());
    expect(urs[old.metadata.name]?.spec.supersededBy).toBe(name);
    expect(urs[old.metadata.name]?.status).toMatchObject({
      phase: "Superseded",
      message: `superseded by ${name}`,
    });
    expect(urs[name]?.status?.phase).toBe("Pending");
    // The spec change reached the old request through the InPlace attachment update.
    expect(newer.flatMap((r) => r.synced).flatMap((s) => s.updated)).toEqual([
      `UpdateRequest ${ns}/${old.metadata.name}`,
    ]);
    expect(phasesWritten(hooks.logs, old.metadata.name)).toEqual(["Pending", "Superseded"]);
    expect(await reasonsOn(ns, old.metadata.name)).toEqual([
      "Normal/UpdatePending",
      "Normal/UpdateSuperseded",
    ]);
    expect(await imageOf(flows.kc, ns, "web")).toBe(flow.image("1.2.0"));
  });
});
