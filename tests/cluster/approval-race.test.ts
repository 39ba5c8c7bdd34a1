// The approval race with real Metacontroller: a person's status patch (HTTP merge patch, or
// kubectl) lands while the UpdateRequests hook is syncing the same request. The hooks write the
// status themselves, as a merge patch conditional on the resourceVersion they just read, and leave
// it alone when that fails (409: the change brings the next sync); Metacontroller is answered
// `status: null` and writes nothing. The window is the hooks' own, between their read and their
// write: every third fresh round the approval is injected exactly there (the gateway pauses and a
// real patch goes to the apiserver), the other rounds land it at random. No approval may be lost.
import { setTimeout as sleep } from "node:timers/promises";
import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { KubeGateway } from "../../src/hooks-server/effects/kube-gateway.ts";
import { applyObjects, kubeRequest, waitFor } from "../helpers/cluster.ts";
import { type Flow, useFlows } from "../helpers/flows.ts";
import {
  httpPatchStatus,
  kubectlPatchStatus,
  listUpdateRequests,
  workload,
} from "../helpers/headwind-objects.ts";

const rounds = 30;
const pastPending = ["Applying", "Progressing", "Completed"];
const admin = "headwind-admin";

const flows = useFlows();

/** Runs once, between a hooks read of `name` and its status write: the person's approval. */
let injection: { name: string; approve: () => Promise<unknown> } | undefined;

/** The real gateway, pausing before the status write of the request an approval waits for. */
const injecting = (real: KubeGateway): KubeGateway => ({
  ...real,
  async writeUpdateRequestStatus(ur, status, signal) {
    const due = injection;
    if (due !== undefined && due.name === ur.metadata.name) {
      injection = undefined;
      await due.approve();
    }
    return real.writeUpdateRequestStatus(ur, status, signal);
  },
});

/** The same, sending its writes without the resourceVersion: last write wins (a negative control). */
const unconditional = (real: KubeGateway): KubeGateway => {
  const paused = injecting(real);
  return {
    ...real,
    writeUpdateRequestStatus: (ur, status, signal) =>
      paused.writeUpdateRequestStatus(
        { ...ur, metadata: { ...ur.metadata, resourceVersion: undefined } },
        status,
        signal,
      ),
  };
};

/**
 * The UpdateRequest as the workloads controller creates it: spec only, no status yet, and the
 * controller owner reference Metacontroller stamps on attachments (the hooks refuse requests without).
 */
function updateRequest(flow: Flow, name: string, target: string, ownerUid: string): KubernetesObject {
  return {
    apiVersion: "headwind.sh/v1alpha1",
    kind: "UpdateRequest",
    metadata: {
      name,
      namespace: flow.ns,
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: target,
          uid: ownerUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target, namespace: flow.ns },
      containerName: "app",
      containerType: "containers",
      currentImage: flow.image("1.0.0"),
      newImage: flow.image("1.1.0"),
      policy: "minor",
      reason: "race",
      approval: "Required",
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      selector: { app: target },
    },
  } as KubernetesObject;
}

interface Round {
  readonly fresh: boolean;
  readonly injected: boolean;
  readonly via: "http" | "kubectl";
  /** The hooks' conditional status write found the request changed since their read (409). */
  readonly conflicts: number;
  /** A stale write that reached the apiserver and was refused by the CRD's transition rule. */
  readonly refusedByTransitionRule: number;
  readonly phase: string | undefined;
  readonly approvedBy: unknown;
}

const said = (flow: Flow, from: number, name: string, text: string) =>
  flow.hooks.logs
    .slice(from)
    .filter((l) => JSON.stringify(l).includes(text) && JSON.stringify(l).includes(name)).length;

async function round(flow: Flow, i: number, inject: boolean): Promise<Round> {
  const name = `race-${i}`;
  const target = `web-${i}`;
  // Opted in (the hooks patch only such workloads), with no tags to propose from.
  const [deployment] = await applyObjects(
    flows.kc,
    [workload(target, flow.image("1.0.0"), { annotations: { "headwind.sh/policy": "minor" } })],
    { namespace: flow.ns },
  );
  // Odd rounds: the request already waits (Pending written, the hook now answers at once), and an
  // unrelated change to it starts the sync the approval races with.
  const fresh = i % 2 === 0;
  const base = `/apis/headwind.sh/v1alpha1/namespaces/${flow.ns}/updaterequests`;
  const request = updateRequest(flow, name, target, deployment?.metadata?.uid ?? "");
  if (!fresh) {
    await kubeRequest(flows.kc, "POST", base, request);
    await flow.waitForPhase("Pending", name);
    await flow.settle(200);
  }
  const via = i % 5 === 4 ? "kubectl" : "http";
  const approval = { phase: "Approved", approvedBy: admin };
  const approve = () =>
    via === "http"
      ? httpPatchStatus(flows.kc, flow.ns, name, approval)
      : kubectlPatchStatus(flow.ns, name, approval);
  const injected = fresh && inject;
  const logged = flow.hooks.logs.length;
  if (injected) injection = { name, approve };
  await (fresh
    ? kubeRequest(flows.kc, "POST", base, request)
    : kubeRequest(
        flows.kc,
        "PATCH",
        `${base}/${name}`,
        { metadata: { annotations: { touched: "yes" } } },
        "application/merge-patch+json",
      ));
  if (!injected) {
    await sleep(Math.floor(Math.random() * 40));
    await approve();
  }
  const ur = await waitFor(`${name} to move past Pending`, async () => {
    const found = (await listUpdateRequests(flows.kc, flow.ns)).find((u) => u.metadata.name === name);
    return pastPending.includes(found?.status?.phase ?? "") ? found : undefined;
  });
  injection = undefined;
  return {
    fresh,
    injected,
    via,
    conflicts: said(flow, logged, name, "update request changed meanwhile"),
    refusedByTransitionRule: said(flow, logged, name, "phase cannot change from Approved to Pending"),
    phase: ur.status?.phase,
    approvedBy: ur.status?.approvedBy,
  };
}

describe("approval race", () => {
  it(`never loses a person's approval to a concurrent sync (${rounds} rounds, real Metacontroller)`, async () => {
    const flow = await flows.start({ wrapGateway: injecting });
    const started = Date.now();
    const results: Round[] = [];
    for (let i = 0; i < rounds; i++) results.push(await round(flow, i, i % 3 === 0));
    const lost = results.filter((r) => !pastPending.includes(r.phase ?? "") || r.approvedBy !== admin);
    const raced = results.filter((r) => r.conflicts > 0);
    console.log(
      `approval race: ${JSON.stringify({
        rounds,
        seconds: (Date.now() - started) / 1000,
        conflictRounds: raced.length,
        injectedRounds: results.filter((r) => r.injected).length,
        viaKubectl: results.filter((r) => r.via === "kubectl").length,
        lostApprovals: lost.length,
      })}`,
    );
    expect(lost).toEqual([]);
    // The 409 path must really have been taken, or this test proved nothing about it: every
    // approval injected inside the window made the hooks' write fail, and nothing else did.
    const injected = results.filter((r) => r.injected);
    expect(injected.length).toBeGreaterThan(0);
    expect(injected.filter((r) => r.conflicts === 0)).toEqual([]);
    // A request already waiting is answered at once: there is nothing to refuse.
    expect(raced.filter((r) => !r.fresh)).toEqual([]);
    expect(results.filter((r) => r.refusedByTransitionRule > 0)).toEqual([]);
    expect(await flow.problems()).toEqual([]);
  });

  it("negative control: unconditional status writes reach the apiserver stale, and only the CRD's transition rule saves the approval", async () => {
    const flow = await flows.start({ wrapGateway: unconditional });
    const result = await round(flow, 0, true);
    expect(result.injected).toBe(true);
    expect(result.refusedByTransitionRule).toBeGreaterThan(0);
    expect(result.approvedBy).toBe(admin);
    expect(pastPending).toContain(result.phase);
  });
});
