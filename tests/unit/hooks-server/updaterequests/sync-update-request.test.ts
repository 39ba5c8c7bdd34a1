import { describe, expect, it } from "vitest";
import type { UpdateRequestStatus } from "../../../../src/core/updaterequests/update-request.ts";
import { parseUpdateWindows } from "../../../../src/core/windows/parse-update-windows.ts";
import { applyOutcomes } from "../../../../src/hooks-server/updaterequests/apply-outcomes.ts";
import {
  syncUpdateRequest,
  watchSeconds,
} from "../../../../src/hooks-server/updaterequests/sync-update-request.ts";
import { aHelmRelease } from "../../../helpers/helm-releases.ts";
import {
  aChartUpdateRequest,
  aDeployment,
  anApplyPatch,
  anUpdateRequest,
  aPod,
  urRequest,
} from "../../../helpers/update-requests.ts";

const now = Date.parse("2026-11-25T12:00:00.000Z");
const at = new Date(now).toISOString();
const rolledOut = { observedGeneration: 4, replicas: 2, updatedReplicas: 2, availableReplicas: 2 };
const halfway = { observedGeneration: 4, replicas: 3, updatedReplicas: 1, availableReplicas: 2 };

describe("syncUpdateRequest", () => {
  it("opens a new request as Pending and wakes up at its expiry", () => {
    const d = syncUpdateRequest(urRequest(anUpdateRequest(), aDeployment("nginx:1.25.3")), now);
    expect(d).toEqual({
      status: { phase: "Pending", message: "waiting for approval until 2026-11-26T10:00:00.000Z" },
      effects: [],
      resyncAfterSeconds: 79_200,
    });
  });

  it("applies in the first sync when no approval is required: the patch, then Progressing", () => {
    const d = syncUpdateRequest(
      urRequest(anUpdateRequest(undefined, { approval: "Automatic" }), aDeployment("nginx:1.25.3")),
      now,
    );
    expect(d.effects).toEqual([anApplyPatch()]);
    expect(d.status).toEqual({
      phase: "Progressing",
      approvedBy: "headwind (require-approval: false)",
      approvedAt: at,
      appliedAt: at,
      message: "applied; watching the rollout",
    });
    expect(d.resyncAfterSeconds).toBe(300);
    const gone = syncUpdateRequest(urRequest(anUpdateRequest(undefined, { approval: "Automatic" })), now);
    expect(gone.status).toMatchObject({ phase: "Failed", message: "target or container not found" });
    expect(gone.effects).toEqual([]);
  });

  it("answers status null while waiting for a person, so a concurrent approval is never overwritten", () => {
    const d = syncUpdateRequest(
      urRequest(anUpdateRequest({ phase: "Pending" }), aDeployment("nginx:1.25.3")),
      now,
    );
    expect(d).toEqual({ status: null, effects: [], resyncAfterSeconds: 79_200 });
  });

  it.each([
    [{ supersededBy: "web-nginx-1" }, "nginx:1.25.3", "Superseded", "superseded by web-nginx-1"],
    [{ expiresAt: "2026-11-25T11:59:59.000Z" }, "nginx:1.25.3", "Expired", "nobody approved it in time"],
    [{}, "nginx:1.26.0", "Superseded", "Deployment now runs nginx:1.26.0"],
  ])("ends a pending request when %j and the target runs %s", (spec, image, phase, message) => {
    const d = syncUpdateRequest(
      urRequest(anUpdateRequest({ phase: "Pending" }, spec), aDeployment(image)),
      now,
    );
    expect(d.status).toEqual({ phase, message });
  });

  it("acknowledges a person's approval before touching the workload", () => {
    const d = syncUpdateRequest(
      urRequest(anUpdateRequest({ phase: "Approved", approvedBy: "alice" }), aDeployment("nginx:1.25.3")),
      now,
    );
    expect(d).toEqual({
      status: { phase: "Applying", approvedBy: "alice", approvedAt: at, message: "applying" },
      effects: [],
    });
  });

  it("refuses an approval when someone else changed the container meanwhile", () => {
    const d = syncUpdateRequest(
      urRequest(anUpdateRequest({ phase: "Approved" }), aDeployment("nginx:1.26.1")),
      now,
    );
    expect(d.status).toMatchObject({
      phase: "Failed",
      message: "not applied: the container now runs nginx:1.26.1",
    });
  });

  it("applies with a guarded patch and starts watching the rollout", () => {
    const d = syncUpdateRequest(
      urRequest(anUpdateRequest({ phase: "Applying", approvedBy: "alice" }), aDeployment("nginx:1.25.3")),
      now,
    );
    expect(d.effects).toEqual([anApplyPatch()]);
    expect(d.status).toEqual({
      phase: "Progressing",
      approvedBy: "alice",
      appliedAt: at,
      message: "applied; watching the rollout",
    });
    // Woken for the deadline only: the rollout's own changes bring every other sync.
    expect(d.resyncAfterSeconds).toBe(300);
    const applied = applyOutcomes(d, [{ key: "ur-1/apply", result: "applied", generation: 5 }]);
    expect(applied.status?.appliedGeneration).toBe(5);
    const refused = applyOutcomes(d, [
      { key: "ur-1/apply", result: "conflict", message: "container nginx runs x" },
    ]);
    expect(refused.status).toMatchObject({ phase: "Failed", message: "not applied: container nginx runs x" });
  });

  const progressing = (spec = {}) =>
    anUpdateRequest(
      { phase: "Progressing", appliedAt: "2026-11-25T11:58:00.000Z", appliedGeneration: 4 },
      spec,
    );

  it.each<[string, Record<string, unknown>, ReturnType<typeof aPod>[], string | null]>([
    ["a finished rollout", rolledOut, [aPod("web-1", "nginx:1.27.0")], "Completed"],
    ["a rollout under way", halfway, [aPod("web-1", "nginx:1.27.0")], null],
    ["an old generation", { ...rolledOut, observedGeneration: 3 }, [], null],
    ["a crash-looping new pod", halfway, [aPod("web-1", "nginx:1.27.0", "CrashLoopBackOff")], "Failed"],
    [
      "an image that cannot be pulled",
      halfway,
      [aPod("web-1", "nginx:1.27.0", "ImagePullBackOff")],
      "Failed",
    ],
    ["an old pod crash-looping", halfway, [aPod("web-0", "nginx:1.25.3", "CrashLoopBackOff")], null],
    [
      "a progress deadline",
      {
        ...halfway,
        conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
      },
      [],
      "Failed",
    ],
  ])("reads %s", (_what, status, pods, phase) => {
    const d = syncUpdateRequest(urRequest(progressing(), aDeployment("nginx:1.27.0", status), pods), now);
    expect(d.status?.phase ?? null).toBe(phase);
  });

  it("waits for a rollout under way without a periodic look: woken only for its deadline", () => {
    // Applied two minutes ago with a 300 s rollback timeout: 180 s left.
    const d = syncUpdateRequest(
      urRequest(progressing(), aDeployment("nginx:1.27.0", halfway), [aPod("web-1", "nginx:1.27.0")]),
      now,
    );
    expect(d).toEqual({ status: null, effects: [], resyncAfterSeconds: 180 });
  });

  it("counts failed checks up to health-check-retries, at most one per watch interval", () => {
    const pods = [aPod("web-1", "nginx:1.27.0", "CrashLoopBackOff")];
    const spec = { healthCheckRetries: 2 };
    const first = syncUpdateRequest(
      urRequest(progressing(spec), aDeployment("nginx:1.27.0", halfway), pods),
      now,
    );
    expect(first.status).toMatchObject({ phase: "Progressing", failedChecks: 1, checkedAt: at });
    const counted = anUpdateRequest(first.status ?? {}, spec);
    // The status write makes Metacontroller sync again at once: that is not a second check.
    const soon = syncUpdateRequest(urRequest(counted, aDeployment("nginx:1.27.0", halfway), pods), now);
    expect(soon).toEqual({ status: null, effects: [], resyncAfterSeconds: watchSeconds });
    const later = now + watchSeconds * 1000;
    const second = syncUpdateRequest(urRequest(counted, aDeployment("nginx:1.27.0", halfway), pods), later);
    expect(second.status).toMatchObject({ phase: "Failed", message: "pod web-1: CrashLoopBackOff" });
  });

  it("rolls back automatically when auto-rollback is on: RollingBack is written before the patch", () => {
    const pods = [aPod("web-1", "nginx:1.27.0", "CrashLoopBackOff")];
    const failing = urRequest(
      progressing({ autoRollback: true }),
      aDeployment("nginx:1.27.0", halfway),
      pods,
    );
    const d = syncUpdateRequest(failing, now);
    expect(d).toEqual({
      status: expect.objectContaining({ phase: "RollingBack", message: "pod web-1: CrashLoopBackOff" }),
      effects: [],
    });
    const rollingBack = anUpdateRequest(d.status ?? {}, { autoRollback: true });
    const next = syncUpdateRequest(urRequest(rollingBack, aDeployment("nginx:1.27.0", halfway), pods), now);
    expect(next.status).toMatchObject({
      phase: "RolledBack",
      completedAt: at,
      message: "pod web-1: CrashLoopBackOff",
    });
    expect(next.effects).toMatchObject([
      {
        type: "patchImage",
        key: "ur-1/rollback",
        step: "rollback",
        from: "nginx:1.27.0",
        to: "nginx:1.25.3",
      },
    ]);
    const refused = applyOutcomes(next, [
      { key: "ur-1/rollback", result: "conflict", message: "container nginx runs y" },
    ]);
    expect(refused.status).toMatchObject({
      phase: "Failed",
      message: "rollback refused: container nginx runs y; pod web-1: CrashLoopBackOff",
    });
  });

  it("a rollback whose answer was lost resumes: the patch repeats (a no-op), never Completed on the old image", () => {
    const rollingBack = anUpdateRequest(
      { phase: "RollingBack", appliedAt: "2026-11-25T11:58:00.000Z", appliedGeneration: 4, message: "m" },
      { autoRollback: true },
    );
    // The rollback landed: the workload runs the old image and has rolled out.
    const d = syncUpdateRequest(
      urRequest(rollingBack, aDeployment("nginx:1.25.3", { ...rolledOut, observedGeneration: 5 }, 5)),
      now,
    );
    expect(d.status?.phase).toBe("RolledBack");
    expect(d.effects).toMatchObject([{ type: "patchImage", step: "rollback" }]);
  });

  it("ends a rollback as Failed when its target is gone", () => {
    const rollingBack = anUpdateRequest({ phase: "RollingBack", message: "m" }, { autoRollback: true });
    expect(syncUpdateRequest(urRequest(rollingBack), now)).toMatchObject({
      status: { phase: "Failed", message: "rollback refused: target not found; m" },
      effects: [],
    });
  });

  it("expires a kubectl approval seen after the request's time was up; an approval API stamp in time still counts", () => {
    const spec = { expiresAt: "2026-11-25T11:00:00.000Z" };
    const late = syncUpdateRequest(
      urRequest(
        anUpdateRequest({ phase: "Approved", approvedBy: "alice" }, spec),
        aDeployment("nginx:1.25.3"),
      ),
      now,
    );
    expect(late.status).toMatchObject({
      phase: "Expired",
      message: "approved after it expired at 2026-11-25T11:00:00.000Z; it will be proposed again",
    });
    const stamped = {
      phase: "Approved" as const,
      approvedBy: "alice",
      approvedAt: "2026-11-25T10:59:00.000Z",
    };
    const inTime = syncUpdateRequest(
      urRequest(anUpdateRequest(stamped, spec), aDeployment("nginx:1.25.3")),
      now,
    );
    expect(inTime.status?.phase).toBe("Applying");
  });

  it("fails a rollout that outlives rollback-timeout", () => {
    const late = anUpdateRequest({
      phase: "Progressing",
      appliedAt: "2026-11-25T11:54:00.000Z",
      appliedGeneration: 4,
    });
    const d = syncUpdateRequest(urRequest(late, aDeployment("nginx:1.27.0", halfway)), now);
    expect(d.status).toMatchObject({ phase: "Failed", message: "rollout did not finish within 300s" });
  });

  it("records who rejected, once", () => {
    const first = syncUpdateRequest(
      urRequest(anUpdateRequest({ phase: "Rejected", rejectedBy: "carol" }), aDeployment("nginx:1.25.3")),
      now,
    );
    expect(first.status).toEqual({ phase: "Rejected", rejectedBy: "carol", rejectedAt: at });
    const again = syncUpdateRequest(
      urRequest(anUpdateRequest(first.status ?? {}), aDeployment("nginx:1.25.3")),
      now,
    );
    expect(again.status).toBeNull();
  });

  it.each(["Completed", "Failed", "RolledBack", "Expired", "Superseded"] as const)(
    "leaves a %s request alone",
    (phase) => {
      expect(
        syncUpdateRequest(urRequest(anUpdateRequest({ phase }), aDeployment("nginx:1.27.0")), now),
      ).toEqual({ status: null, effects: [] });
    },
  );

  it("refuses a request without a target it manages", () => {
    const odd = anUpdateRequest(undefined, {
      targetRef: { apiVersion: "v1", kind: "Pod", name: "p", namespace: "shop" },
    });
    expect(() => syncUpdateRequest(urRequest(odd), now)).toThrow(
      "UpdateRequest web-nginx-0b80d67fed has no valid targetRef/containerName",
    );
  });
});

describe("syncUpdateRequest refuses requests it did not make", () => {
  const target = aDeployment("nginx:1.25.3");
  const approved = { phase: "Approved" as const, approvedBy: "mallory" };

  it.each<[string, ReturnType<typeof anUpdateRequest>, string]>([
    [
      "a hand-written request (no owner reference)",
      { ...anUpdateRequest(approved), metadata: { name: "forged", namespace: "shop", uid: "x" } },
      "refused: not created by Headwind for Deployment web (no controller owner reference to it)",
    ],
    [
      "a request owned by another object",
      {
        ...anUpdateRequest(approved),
        metadata: {
          name: "other",
          namespace: "shop",
          ownerReferences: [{ uid: "someone-else", controller: true }],
        },
      },
      "refused: not created by Headwind for Deployment web (no controller owner reference to it)",
    ],
    [
      "an image edited to another repository",
      anUpdateRequest(approved, { newImage: "evil.example/miner:1.0" }),
      "refused: newImage must be a valid reference to the same repository as currentImage",
    ],
    [
      "a target in another namespace",
      anUpdateRequest(approved, {
        targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "prod" },
      }),
      "refused: targetRef must name a workload in the request's own namespace",
    ],
  ])("%s: Failed, nothing patched", (_what, ur, message) => {
    const request = urRequest(ur, {
      ...target,
      metadata: { ...target.metadata, namespace: ur.spec.targetRef.namespace },
    });
    const d = syncUpdateRequest(request, now);
    expect(d.effects).toEqual([]);
    expect(d.status).toMatchObject({ phase: "Failed", message });
  });
});

describe("syncUpdateRequest: update windows", () => {
  // now is a Wednesday, 13:00 in Berlin; the window opens Thursday 02:00 CET (01:00Z), 13 h later.
  const nightly = "Mon-Fri 02:00-04:00 Europe/Berlin";
  const waiting = {
    waitingUntil: "2026-11-26T01:00:00.000Z",
    message: `approved; waiting for the update window (${nightly}) until 2026-11-26T01:00:00.000Z`,
  };
  const withWindow = (image: string, window: string) => {
    const target = aDeployment(image);
    return {
      ...target,
      metadata: { ...target.metadata, annotations: { "headwind.sh/update-window": window } },
    };
  };

  it("an automatic request outside its window is approved and waits, saying until when", () => {
    const ur = anUpdateRequest(undefined, { approval: "Automatic" });
    const d = syncUpdateRequest(urRequest(ur, withWindow("nginx:1.25.3", nightly)), now);
    expect(d).toEqual({
      status: {
        phase: "Approved",
        approvedBy: "headwind (require-approval: false)",
        approvedAt: at,
        ...waiting,
      },
      effects: [],
      resyncAfterSeconds: 46_800,
    });
  });

  it("a person's approval outside the window is kept and waits; the same wait is not written again", () => {
    const ur = anUpdateRequest({ phase: "Approved", approvedBy: "alice" });
    const first = syncUpdateRequest(urRequest(ur, withWindow("nginx:1.25.3", nightly)), now);
    expect(first.status).toEqual({ phase: "Approved", approvedBy: "alice", approvedAt: at, ...waiting });
    const again = anUpdateRequest(first.status ?? undefined);
    const later = now + 3_600_000;
    expect(syncUpdateRequest(urRequest(again, withWindow("nginx:1.25.3", nightly)), later)).toEqual({
      status: null,
      effects: [],
      resyncAfterSeconds: 43_200,
    });
  });

  it("applies once the window opens", () => {
    const ur = anUpdateRequest({ phase: "Approved", approvedBy: "alice", approvedAt: at, ...waiting });
    const opened = Date.parse("2026-11-26T01:00:00.000Z");
    const d = syncUpdateRequest(urRequest(ur, withWindow("nginx:1.25.3", nightly)), opened);
    expect(d.status).toEqual({ phase: "Applying", approvedBy: "alice", approvedAt: at, message: "applying" });
  });

  it("the cluster-wide default holds targets without a window of their own", () => {
    const parsed = parseUpdateWindows(nightly);
    if (!parsed.ok) throw new Error(parsed.error);
    const ur = anUpdateRequest(undefined, { approval: "Automatic" });
    const d = syncUpdateRequest(urRequest(ur, aDeployment("nginx:1.25.3")), now, {
      updateWindows: parsed.value,
    });
    expect(d.status).toMatchObject({ phase: "Approved", ...waiting });
  });

  it("a pending request still waits for a person, window or not (approvals are allowed any time)", () => {
    const ur = anUpdateRequest({ phase: "Pending" });
    const d = syncUpdateRequest(urRequest(ur, withWindow("nginx:1.25.3", nightly)), now);
    expect(d).toEqual({ status: null, effects: [], resyncAfterSeconds: 79_200 });
  });

  it("a changed container still fails an approval at once, window or not", () => {
    const ur = anUpdateRequest({ phase: "Approved", approvedBy: "alice" });
    const d = syncUpdateRequest(urRequest(ur, withWindow("nginx:1.26.1", nightly)), now);
    expect(d.status).toMatchObject({ phase: "Failed" });
  });
});

describe("syncUpdateRequest: GitOps-managed targets", () => {
  const flux = {
    "kustomize.toolkit.fluxcd.io/name": "apps",
    "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
  };
  const managed = (image: string, annotations: Record<string, string> = {}) => {
    const target = aDeployment(image);
    return { ...target, metadata: { ...target.metadata, labels: flux, annotations } };
  };
  const conditionOf = (status: UpdateRequestStatus | null | undefined) =>
    status?.conditions?.find((c) => c.type === "GitOpsManaged");

  it("a new request is proposed, with a condition saying who applies the target", () => {
    const d = syncUpdateRequest(urRequest(anUpdateRequest(), managed("nginx:1.25.3")), now);
    expect(d.status?.phase).toBe("Pending");
    expect(conditionOf(d.status)).toMatchObject({
      status: "True",
      reason: "FluxKustomization",
      message: expect.stringContaining("Change container nginx from nginx:1.25.3 to nginx:1.27.0 in Git"),
      lastTransitionTime: at,
    });
  });

  it("an approval patches nothing, and is kept, saying why (once)", () => {
    const ur = anUpdateRequest({ phase: "Approved", approvedBy: "alice" });
    const d = syncUpdateRequest(urRequest(ur, managed("nginx:1.25.3")), now);
    expect(d.effects).toEqual([]);
    expect(d.status).toMatchObject({
      phase: "Approved",
      message:
        "approved; not patched: Flux Kustomization flux-system/apps applies the target, change it in Git",
    });
    const again = syncUpdateRequest(
      urRequest(anUpdateRequest(d.status ?? undefined), managed("nginx:1.25.3")),
      now,
    );
    expect(again).toEqual({ status: null, effects: [] });
  });

  it("an automatic request is approved but not patched", () => {
    const ur = anUpdateRequest(undefined, { approval: "Automatic" });
    const d = syncUpdateRequest(urRequest(ur, managed("nginx:1.25.3")), now);
    expect(d.status).toMatchObject({ phase: "Approved", approvedBy: "headwind (require-approval: false)" });
    expect(d.effects).toEqual([]);
  });

  it("once Git brings the new image, an approved request goes on (the patch is a no-op) and is watched", () => {
    const ur = anUpdateRequest({ phase: "Approved", approvedBy: "alice", approvedAt: at });
    const d = syncUpdateRequest(urRequest(ur, managed("nginx:1.27.0")), now);
    expect(d.status).toMatchObject({ phase: "Applying" });
  });

  it("once Git brings the new image, a pending request is complete", () => {
    const d = syncUpdateRequest(
      urRequest(anUpdateRequest({ phase: "Pending" }), managed("nginx:1.27.0")),
      now,
    );
    expect(d.status).toMatchObject({
      phase: "Completed",
      completedAt: at,
      message: "nginx:1.27.0 arrived through Flux Kustomization flux-system/apps",
    });
  });

  it("headwind.sh/gitops: patch applies as usual, the condition still telling to change Git", () => {
    const ur = anUpdateRequest({ phase: "Approved", approvedBy: "alice" });
    const d = syncUpdateRequest(
      urRequest(ur, managed("nginx:1.25.3", { "headwind.sh/gitops": "patch" })),
      now,
    );
    expect(d.status?.phase).toBe("Applying");
    expect(conditionOf(d.status)?.message).toContain("patched anyway");
  });

  it("a pending request learns of a new owner with one status write, then stays quiet", () => {
    const d = syncUpdateRequest(
      urRequest(anUpdateRequest({ phase: "Pending" }), managed("nginx:1.25.3")),
      now,
    );
    expect(d.status?.phase).toBe("Pending");
    expect(conditionOf(d.status)?.reason).toBe("FluxKustomization");
    const again = syncUpdateRequest(
      urRequest(anUpdateRequest(d.status ?? undefined), managed("nginx:1.25.3")),
      now,
    );
    expect(again.status).toBeNull();
  });

  it("Argo CD's label tracking, when configured", () => {
    const target = aDeployment("nginx:1.25.3");
    const labelled = {
      ...target,
      metadata: { ...target.metadata, labels: { "app.kubernetes.io/instance": "shop" } },
    };
    const ur = anUpdateRequest({ phase: "Approved", approvedBy: "alice" });
    expect(syncUpdateRequest(urRequest(ur, labelled), now).status?.phase).toBe("Applying");
    const held = syncUpdateRequest(urRequest(ur, labelled), now, { argoTracking: "label" });
    expect(held.status).toMatchObject({
      phase: "Approved",
      message: expect.stringContaining("Argo CD Application shop"),
    });
  });
});

describe("syncUpdateRequest: a HelmRelease's chart version", () => {
  const chartUr = (status?: UpdateRequestStatus) => aChartUpdateRequest(status);
  const owned = (ur: ReturnType<typeof chartUr>) => ({
    ...ur,
    metadata: {
      ...ur.metadata,
      ownerReferences: [
        {
          apiVersion: "helm.toolkit.fluxcd.io/v2",
          kind: "HelmRelease",
          name: "web",
          uid: "hr-1",
          controller: true,
        },
      ],
    },
  });
  const related = (ur: ReturnType<typeof chartUr>, release: ReturnType<typeof aHelmRelease>) => ({
    object: owned(ur),
    attachments: {},
    related: { "HelmRelease.helm.toolkit.fluxcd.io/v2": { "shop/web": release } },
    finalizing: false,
  });

  it("applies with a guarded patch of spec.chart.spec.version", () => {
    const d = syncUpdateRequest(
      related(chartUr({ phase: "Applying", approvedBy: "alice" }), aHelmRelease("6.5.0")),
      now,
    );
    expect(d.effects).toEqual([
      {
        ...anApplyPatch(),
        target: {
          apiVersion: "helm.toolkit.fluxcd.io/v2",
          kind: "HelmRelease",
          name: "web",
          namespace: "shop",
        },
        containerType: "chart",
        container: "podinfo",
        from: "6.5.0",
        to: "6.6.0",
      },
    ]);
  });

  it("completes when helm-controller reports the release Ready for the patched generation", () => {
    const ready = {
      observedGeneration: 4,
      conditions: [{ type: "Ready", status: "True", reason: "UpgradeSucceeded" }],
    };
    const ur = chartUr({ phase: "Progressing", appliedAt: at, appliedGeneration: 4 });
    const d = syncUpdateRequest(related(ur, aHelmRelease("6.6.0", { status: ready, generation: 4 })), now);
    expect(d.status).toMatchObject({ phase: "Completed" });
  });

  it("refuses a chart request that moves to something that is not a version", () => {
    const ur = { ...chartUr({ phase: "Approved" }), spec: { ...chartUr().spec, newImage: ">=6" } };
    const d = syncUpdateRequest(related(ur, aHelmRelease("6.5.0")), now);
    expect(d.status).toMatchObject({
      phase: "Failed",
      message: "refused: a chart update must move between exact chart versions",
    });
  });
});

describe("syncUpdateRequest drives a person's rollback like an update", () => {
  const history = JSON.stringify([
    {
      container: "nginx",
      image: "nginx:1.25.3",
      previousImage: "nginx:1.24.0",
      timestamp: "2026-11-20T00:00:00Z",
    },
  ]);
  const target = aDeployment("nginx:1.25.3");
  target.metadata.annotations = { "headwind.sh/update-history": history };
  const rollback = (status?: Parameters<typeof anUpdateRequest>[0], spec = {}) =>
    anUpdateRequest(status, { type: "rollback", requestedBy: "alice", newImage: "nginx:1.24.0", ...spec });

  it("applies at once when admission let it in as automatic, approved by the person who asked", () => {
    const d = syncUpdateRequest(urRequest(rollback(undefined, { approval: "Automatic" }), target), now);
    expect(d.status).toEqual({ phase: "Applying", approvedBy: "alice", approvedAt: at });
    const applying = syncUpdateRequest(urRequest(rollback(d.status ?? {}), target), now);
    expect(applying.effects).toMatchObject([
      { type: "patchImage", key: "ur-1/apply", from: "nginx:1.25.3", to: "nginx:1.24.0" },
    ]);
  });

  it("goes at once outside an update window: windows pace updates, a rollback is a repair", () => {
    const closed = {
      ...target,
      metadata: {
        ...target.metadata,
        annotations: {
          ...target.metadata.annotations,
          "headwind.sh/update-window": "Mon-Fri 02:00-04:00 Europe/Berlin",
        },
      },
    };
    const d = syncUpdateRequest(urRequest(rollback(undefined, { approval: "Automatic" }), closed), now);
    expect(d.status).toMatchObject({ phase: "Applying", approvedBy: "alice" });
    const update = anUpdateRequest(undefined, { approval: "Automatic" });
    expect(syncUpdateRequest(urRequest(update, closed), now).status).toMatchObject({ phase: "Approved" });
  });

  it("waits for a person when it needs approval", () => {
    const d = syncUpdateRequest(urRequest(rollback(), target), now);
    expect(d.status).toMatchObject({ phase: "Pending" });
  });

  it("never rolls a failed rollback back", () => {
    const pods = [aPod("web-1", "nginx:1.24.0", "ImagePullBackOff")];
    const failing = rollback(
      { phase: "Progressing", appliedAt: at, appliedGeneration: 4, approvedBy: "alice" },
      { autoRollback: true, healthCheckRetries: 1 },
    );
    const live = aDeployment("nginx:1.24.0", halfway);
    live.metadata.annotations = target.metadata.annotations;
    const d = syncUpdateRequest(urRequest(failing, live, pods), now);
    expect(d.status).toMatchObject({ phase: "Failed", message: "pod web-1: ImagePullBackOff" });
    expect(d.effects).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "an image the history does not name",
      { newImage: "nginx:1.0.0" },
      "refused: nginx:1.0.0 is not in the headwind.sh/update-history of container nginx",
    ],
    ["no requester", { requestedBy: undefined }, "refused: a rollback must name who requested it"],
  ])("refuses %s", (_what, spec, message) => {
    const d = syncUpdateRequest(
      urRequest(rollback({ phase: "Approved", approvedBy: "bob" }, spec), target),
      now,
    );
    expect(d).toEqual({ status: { phase: "Failed", approvedBy: "bob", message }, effects: [] });
  });
});
