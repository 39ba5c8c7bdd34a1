// The approval race with real Metacontroller: a person's status patch (HTTP merge patch, or
// kubectl) lands while Metacontroller is in the middle of syncing the same UpdateRequest. The hook
// is made slow (50 ms) so the approval falls inside the sync: Metacontroller then writes its
// answer with the resourceVersion it read before the approval, the apiserver refuses it (a 409 in
// the audit log carrying an older resourceVersion than the approval's) and the next sync sees the
// approval. Either way no approval may be lost.
import { setTimeout as sleep } from "node:timers/promises";
import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { auditCursor, auditWritesSince } from "../helpers/audit-log.ts";
import { applyObjects, kubeRequest, waitFor } from "../helpers/cluster.ts";
import { type Flow, useFlows } from "../helpers/flows.ts";
import {
  httpPatchStatus,
  kubectlPatchStatus,
  listUpdateRequests,
  workload,
} from "../helpers/headwind-objects.ts";

const rounds = 30;
const hookDelayMs = 50;
const pastPending = ["Applying", "Progressing", "Completed"];

const flows = useFlows();

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
  readonly via: "http" | "kubectl";
  /** Metacontroller's status writes computed before the approval, which the apiserver refused. */
  readonly conflicts: number;
  readonly phase: string | undefined;
  readonly approvedBy: unknown;
}

async function round(flow: Flow, i: number): Promise<Round> {
  const name = `race-${i}`;
  const target = `web-${i}`;
  // Not annotated: only the UpdateRequests controller acts here.
  const [deployment] = await applyObjects(flows.kc, [workload(target, flow.image("1.0.0"))], {
    namespace: flow.ns,
  });
  // Odd rounds: the request already waits (Pending written, the hook now answers status: null),
  // and an unrelated change to it starts the sync the approval races with.
  const fresh = i % 2 === 0;
  const base = `/apis/headwind.sh/v1alpha1/namespaces/${flow.ns}/updaterequests`;
  const request = updateRequest(flow, name, target, deployment?.metadata?.uid ?? "");
  if (!fresh) {
    await kubeRequest(flows.kc, "POST", base, request);
    await flow.waitForPhase("Pending", name);
    await flow.settle(200);
  }
  const cursor = await auditCursor();
  await (fresh
    ? kubeRequest(flows.kc, "POST", base, request)
    : kubeRequest(
        flows.kc,
        "PATCH",
        `${base}/${name}`,
        { metadata: { annotations: { touched: "yes" } } },
        "application/merge-patch+json",
      ));
  const via = i % 5 === 4 ? "kubectl" : "http";
  const approval = { phase: "Approved", approvedBy: `person-${i}` };
  await sleep(Math.floor(Math.random() * (hookDelayMs + 30)));
  const approvedAt = BigInt(
    await (via === "http"
      ? httpPatchStatus(flows.kc, flow.ns, name, approval)
      : kubectlPatchStatus(flow.ns, name, approval)),
  );
  const ur = await waitFor(`${name} to move past Pending`, async () => {
    const found = (await listUpdateRequests(flows.kc, flow.ns)).find((u) => u.metadata.name === name);
    return pastPending.includes(found?.status?.phase ?? "") ? found : undefined;
  });
  const conflicts = (await auditWritesSince(cursor)).filter(
    (w) =>
      w.user === "metacontroller" &&
      w.resource === "updaterequests" &&
      w.subresource === "status" &&
      w.name === name &&
      w.code === 409 &&
      // etcd's revisions: opaque to clients, but ordered, which is all a test needs here.
      BigInt(w.resourceVersion ?? "0") < approvedAt,
  ).length;
  return { fresh, via, conflicts, phase: ur.status?.phase, approvedBy: ur.status?.approvedBy };
}

describe("approval race", () => {
  it(`never loses a person's approval to a concurrent sync (${rounds} rounds, real Metacontroller)`, async () => {
    const flow = await flows.start();
    // A slow UpdateRequests sync hook: the approval lands while Metacontroller waits for it.
    flows.router.route(flow.ns, async (request) => {
      if (new URL(request.url).pathname === "/hooks/updaterequests/sync") await sleep(hookDelayMs);
      return flow.hooks.handler(request);
    });
    const started = Date.now();
    const results: Round[] = [];
    for (let i = 0; i < rounds; i++) results.push(await round(flow, i));
    const lost = results.filter(
      (r, i) => !pastPending.includes(r.phase ?? "") || r.approvedBy !== `person-${i}`,
    );
    const raced = results.filter((r) => r.conflicts > 0);
    console.log(
      `approval race: ${JSON.stringify({
        rounds,
        seconds: (Date.now() - started) / 1000,
        conflictRounds: raced.length,
        statusConflicts: raced.reduce((n, r) => n + r.conflicts, 0),
        viaKubectl: results.filter((r) => r.via === "kubectl").length,
        lostApprovals: lost.length,
      })}`,
    );
    expect(lost).toEqual([]);
    // The 409 path must really have been taken, or this test proved nothing about it.
    expect(raced.length).toBeGreaterThan(0);
    // A request already waiting is answered `status: null`: there is nothing to refuse.
    expect(raced.filter((r) => !r.fresh)).toEqual([]);
    expect(await flow.problems()).toEqual([]);
  });
});
