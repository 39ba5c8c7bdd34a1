// The effects executor against the real apiserver, acting as the hooks ServiceAccount
// (manifests/rbac-hooks.yaml) under Headwind's admission policies: the guarded image patch on every
// workload kind and container type, made only when the live UpdateRequest and workload back it;
// conflicts that never overwrite; repeats that are no-ops; refusals for good that end instead of
// being retried; and Events (events.k8s.io/v1) that are created once.
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Phase } from "../../src/core/updaterequests/update-request.ts";
import type { ContainerType } from "../../src/core/workloads/container-images.ts";
import { findWorkloadKind } from "../../src/core/workloads/workload-kinds.ts";
import { createExecutor } from "../../src/hooks-server/effects/create-executor.ts";
import type { Effect, EffectExecutor } from "../../src/hooks-server/effects/effect.ts";
import { createKubeGateway, type KubeGateway } from "../../src/hooks-server/effects/kube-gateway.ts";
import type { Notification } from "../../src/hooks-server/notify/notification.ts";
import { createKubeTransport } from "../../src/kube/create-kube-transport.ts";
import { installAdmission } from "../helpers/admission.ts";
import { adminConfig, applyObjects, createTestNamespace, kubeRequest } from "../helpers/cluster.ts";
import { emptyNamespace } from "../helpers/flows.ts";
import { hooksServiceAccount, installHeadwind } from "../helpers/headwind-install.ts";
import { workload } from "../helpers/headwind-objects.ts";
import { type OwnedRequest, ownedUpdateRequest } from "../helpers/owned-update-request.ts";

type Kind = "Deployment" | "StatefulSet" | "DaemonSet" | "CronJob";
const kinds: Kind[] = ["Deployment", "StatefulSet", "DaemonSet", "CronJob"];
const containerTypes: ContainerType[] = ["containers", "initContainers"];
const optedIn = { "headwind.sh/policy": "minor" };

let kc: KubeConfig;
let asHooks: KubeConfig;
let ns: string;
let gateway: KubeGateway;
// Whole seconds, so object timestamps and the executor's "now" agree.
const now = Math.floor(Date.now() / 1000) * 1000;
const notified: Notification[] = [];

beforeAll(async () => {
  kc = adminConfig();
  await installHeadwind(kc);
  asHooks = await hooksServiceAccount(kc);
  await installAdmission(kc, asHooks);
  ns = await createTestNamespace(kc, "hw-exec");
  gateway = createKubeGateway(createKubeTransport(asHooks));
});

// Opted-in workloads left behind would be the next test files' (the sidecar's, Metacontroller's).
afterAll(async () => {
  if (ns) await emptyNamespace(kc, ns);
});

function executor(over: KubeGateway = gateway): EffectExecutor {
  return createExecutor({
    gateway: over,
    notify: async (n) => {
      notified.push(n);
      return [];
    },
    clock: () => now,
    instance: "executor-test",
  });
}

const image = (name: string, tag: string) => `registry.test:5000/${name}:${tag}`;

type Target = OwnedRequest["target"];

/** A request Metacontroller made for `target` and the hooks moved to `phase`; the patch it asks for. */
const owned = (
  target: Target,
  name: string,
  from: string,
  to: string,
  phase: Phase,
  containerType: ContainerType = "containers",
) =>
  ownedUpdateRequest(kc, asHooks, { target, name, containerType, currentImage: from, newImage: to, phase });

async function deploy(kind: Kind, name: string, from: string, annotations = optedIn): Promise<Target> {
  const [stored] = await applyObjects(kc, [workload(name, from, { kind, initImage: from, annotations })], {
    namespace: ns,
  });
  return stored as Target;
}

async function live(kind: Kind, name: string) {
  const k = findWorkloadKind(kind);
  const object = (await kubeRequest(
    kc,
    "GET",
    `/apis/${k?.apiVersion}/namespaces/${ns}/${k?.resource}/${name}`,
  )) as Record<string, unknown> & { metadata: { generation: number; uid: string } };
  let spec: unknown = object;
  for (const segment of k?.podSpecPath ?? []) spec = (spec as Record<string, unknown>)[segment];
  const podSpec = spec as Record<ContainerType, { name: string; image: string }[]>;
  return { object, image: (type: ContainerType) => podSpec[type]?.[0]?.image };
}

/** Someone else's edit of the image, as a strategic merge patch (kubectl set image). */
async function edit(kind: Kind, name: string, type: ContainerType, to: string) {
  const k = findWorkloadKind(kind);
  const container = { name: type === "containers" ? "app" : "init", image: to };
  const podSpec = { [type]: [container] };
  const spec =
    kind === "CronJob"
      ? { jobTemplate: { spec: { template: { spec: podSpec } } } }
      : { template: { spec: podSpec } };
  await kubeRequest(
    kc,
    "PATCH",
    `/apis/${k?.apiVersion}/namespaces/${ns}/${k?.resource}/${name}`,
    { spec },
    "application/strategic-merge-patch+json",
  );
}

describe("executor on the real apiserver", () => {
  for (const kind of kinds) {
    for (const type of containerTypes) {
      it(`${kind} ${type}: guarded patch applies, repeats are no-ops, a concurrent change is a conflict`, async () => {
        const name = `${kind.toLowerCase()}-${type.toLowerCase()}`;
        const [from, to, theirs] = [image(name, "1.0.0"), image(name, "1.1.0"), image(name, "1.0.9")];
        const target = await deploy(kind, name, from);
        const apply = await owned(target, name, from, to, "Applying", type);
        const execute = executor();

        const [applied] = await execute([apply]);
        const after = await live(kind, name);
        expect(after.image(type)).toBe(to);
        expect(after.object.metadata.generation).toBe(2);
        expect(applied).toEqual({ key: `${name}/apply`, result: "applied", generation: 2 });
        // The other container type is untouched.
        expect(after.image(type === "containers" ? "initContainers" : "containers")).toBe(from);

        expect(await execute([apply])).toEqual([{ key: `${name}/apply`, result: "noop", generation: 2 }]);

        await edit(kind, name, type, theirs);
        const next = await owned(target, `${name}-next`, to, image(name, "1.2.0"), "Applying", type);
        const [conflict] = await execute([next]);
        const container = type === "containers" ? "app" : "init";
        expect(conflict).toEqual({
          key: `${name}-next/apply`,
          result: "conflict",
          message: `container ${container} runs ${theirs}, expected ${to}`,
        });
        expect((await live(kind, name)).image(type)).toBe(theirs);
      });
    }
  }

  it("a change between the executor's read and its patch fails the JSON patch test: conflict, theirs kept", async () => {
    const name = "raced";
    const [from, to, theirs] = [image(name, "1.0.0"), image(name, "1.1.0"), image(name, "1.0.1")];
    const target = await deploy("Deployment", name, from);
    const apply = await owned(target, name, from, to, "Applying");
    // The real gateway, with someone else's edit landing right after the executor's GET.
    let raced = false;
    const racing: KubeGateway = {
      ...gateway,
      async getWorkload(ref, signal) {
        const object = await gateway.getWorkload(ref, signal);
        if (!raced) {
          raced = true;
          await edit("Deployment", name, "containers", theirs);
        }
        return object;
      },
    };
    const [outcome] = await executor(racing)([apply]);
    expect(outcome).toEqual({
      key: `${name}/apply`,
      result: "conflict",
      message: "the container changed during the update",
    });
    expect((await live("Deployment", name)).image("containers")).toBe(theirs);
  });

  it("patches nothing the live cluster does not back: a request in another phase, a made-up one, a deleted target", async () => {
    const name = "unbacked";
    const [from, to] = [image(name, "1.0.0"), image(name, "1.1.0")];
    const target = await deploy("Deployment", name, from);
    const pending = await owned(target, name, from, to, "Pending");
    const madeUp: Effect = {
      ...pending,
      key: "made-up/apply",
      updateRequest: { namespace: ns, name: "made-up", uid: "x" },
    };
    expect(await executor()([pending, madeUp])).toEqual([
      {
        key: `${name}/apply`,
        result: "refused",
        reason: "phase",
        message: `UpdateRequest ${ns}/${name} is Pending, not Applying`,
      },
      {
        key: "made-up/apply",
        result: "refused",
        reason: "no-update-request",
        message: `UpdateRequest ${ns}/made-up does not exist`,
      },
    ]);
    expect((await live("Deployment", name)).image("containers")).toBe(from);

    const gone = await owned(target, "gone", from, to, "Applying");
    await kubeRequest(kc, "DELETE", `/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
    expect(await executor()([gone])).toEqual([
      {
        key: "gone/apply",
        result: "refused",
        reason: "no-target",
        message: `Deployment ${ns}/${name} does not exist`,
      },
    ]);
  });

  it("a patch admission refuses for good ends as failed with the apiserver's message, never retried", async () => {
    const name = "denied";
    const [from, to] = [image(name, "1.0.0"), image(name, "1.1.0")];
    const target = await deploy("Deployment", name, from);
    const apply = await owned(target, name, from, to, "Applying");
    // The executor's own check passes (it read an opted-in workload); the apiserver sees it opted out.
    const optingOut: KubeGateway = {
      ...gateway,
      async patchWorkload(ref, ops, signal) {
        await kubeRequest(
          kc,
          "PATCH",
          `/apis/apps/v1/namespaces/${ns}/deployments/${name}`,
          { metadata: { annotations: { "headwind.sh/policy": "none" } } },
          "application/merge-patch+json",
        );
        return gateway.patchWorkload(ref, ops, signal);
      },
    };
    const [outcome] = await executor(optingOut)([apply]);
    expect(outcome).toMatchObject({ key: `${name}/apply`, result: "failed" });
    expect(outcome?.result === "failed" && outcome.message).toContain("HTTP 403");
    expect(outcome?.result === "failed" && outcome.message).toContain(
      "only change workloads annotated with a headwind.sh/policy other than none",
    );
    expect((await live("Deployment", name)).image("containers")).toBe(from);
  });

  it("creates Events on the workload and the UpdateRequest once; a repeat is a no-op (409)", async () => {
    const deployment = await deploy("Deployment", "evented", image("evented", "1.0.0"));
    const ur = (await kubeRequest(kc, "POST", `/apis/headwind.sh/v1alpha1/namespaces/${ns}/updaterequests`, {
      apiVersion: "headwind.sh/v1alpha1",
      kind: "UpdateRequest",
      metadata: { name: "evented" },
      spec: {
        targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "evented", namespace: ns },
        containerName: "app",
        currentImage: image("evented", "1.0.0"),
        newImage: image("evented", "1.1.0"),
        policy: "minor",
        approval: "Required",
        expiresAt: new Date(now + 3600_000).toISOString(),
      },
    })) as { metadata: { uid: string } };
    const regarding = [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "evented",
        namespace: ns,
        uid: deployment?.metadata?.uid,
      },
      {
        apiVersion: "headwind.sh/v1alpha1",
        kind: "UpdateRequest",
        name: "evented",
        namespace: ns,
        uid: ur.metadata.uid,
      },
    ];
    const effects: Effect[] = regarding.map((r, i) => ({
      type: "event",
      key: `evented/${i}`,
      regarding: r,
      eventType: i === 0 ? "Normal" : "Warning",
      reason: "UpdatePending",
      message: `event ${i}`,
    }));
    const execute = executor();
    expect(await execute(effects)).toEqual([
      { key: "evented/0", result: "applied" },
      { key: "evented/1", result: "applied" },
    ]);
    expect(await execute(effects)).toEqual([
      { key: "evented/0", result: "noop" },
      { key: "evented/1", result: "noop" },
    ]);
    const list = (await kubeRequest(kc, "GET", `/apis/events.k8s.io/v1/namespaces/${ns}/events`)) as {
      items: { regarding: { kind: string; uid: string }; type: string; note: string; eventTime: string }[];
    };
    const mine = list.items
      .filter((e) => e.note.startsWith("event "))
      .sort((a, b) => a.note.localeCompare(b.note));
    expect(mine.map((e) => [e.regarding.kind, e.regarding.uid, e.type])).toEqual([
      ["Deployment", deployment?.metadata?.uid, "Normal"],
      ["UpdateRequest", ur.metadata.uid, "Warning"],
    ]);
    expect(mine[0]?.eventTime).toBe(new Date(now).toISOString().replace("Z", "000Z"));
  });
});
