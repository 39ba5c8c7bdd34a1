// The effects executor against the real apiserver, acting as the hooks ServiceAccount
// (manifests/rbac-hooks.yaml): the guarded image patch on every workload kind and container type,
// conflicts that never overwrite, repeats that are no-ops, and Events (events.k8s.io/v1) that are
// created once.
import type { KubeConfig } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import type { ContainerType } from "../../src/core/workloads/container-images.ts";
import { findWorkloadKind } from "../../src/core/workloads/workload-kinds.ts";
import { createExecutor } from "../../src/hooks-server/effects/create-executor.ts";
import type { Effect, EffectExecutor } from "../../src/hooks-server/effects/effect.ts";
import {
  createKubeGateway,
  type KubeGateway,
  type ObjectKey,
} from "../../src/hooks-server/effects/kube-gateway.ts";
import type { Notification } from "../../src/hooks-server/notify/notification.ts";
import { adminConfig, applyObjects, createTestNamespace, kubeRequest } from "../helpers/cluster.ts";
import { hooksServiceAccount, installHeadwind } from "../helpers/headwind-install.ts";
import { workload } from "../helpers/headwind-objects.ts";

type Kind = "Deployment" | "StatefulSet" | "DaemonSet" | "CronJob";
const kinds: Kind[] = ["Deployment", "StatefulSet", "DaemonSet", "CronJob"];
const containerTypes: ContainerType[] = ["containers", "initContainers"];

let kc: KubeConfig;
let ns: string;
let gateway: KubeGateway;
// Whole seconds, so object timestamps and the executor's "now" agree.
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const notified: Notification[] = [];

beforeAll(async () => {
  kc = adminConfig();
  await installHeadwind(kc);
  ns = await createTestNamespace(kc, "hw-exec");
  gateway = createKubeGateway(await hooksServiceAccount(kc));
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

function keyOf(kind: Kind, name: string): ObjectKey {
  return { apiVersion: kind === "CronJob" ? "batch/v1" : "apps/v1", kind, name, namespace: ns };
}

async function live(kind: Kind, name: string) {
  const k = findWorkloadKind(kind);
  const object = (await kubeRequest(
    kc,
    "GET",
    `/apis/${keyOf(kind, name).apiVersion}/namespaces/${ns}/${k?.resource}/${name}`,
  )) as Record<string, unknown> & { metadata: { generation: number; uid: string } };
  let spec: unknown = object;
  for (const segment of k?.podSpecPath ?? []) spec = (spec as Record<string, unknown>)[segment];
  const podSpec = spec as Record<ContainerType, { name: string; image: string }[]>;
  return { object, image: (type: ContainerType) => podSpec[type]?.[0]?.image };
}

function patch(
  kind: Kind,
  name: string,
  type: ContainerType,
  from: string,
  to: string,
  step = "apply",
): Effect {
  return {
    type: "patchImage",
    key: `${name}/${step}`,
    target: keyOf(kind, name),
    containerType: type,
    container: type === "containers" ? "app" : "init",
    from,
    to,
  };
}

/** Someone else's edit of the image, as a strategic merge patch (kubectl set image). */
async function edit(kind: Kind, name: string, type: ContainerType, to: string) {
  const resource = findWorkloadKind(kind)?.resource;
  const container = { name: type === "containers" ? "app" : "init", image: to };
  const podSpec = { [type]: [container] };
  const spec =
    kind === "CronJob"
      ? { jobTemplate: { spec: { template: { spec: podSpec } } } }
      : { template: { spec: podSpec } };
  await kubeRequest(
    kc,
    "PATCH",
    `/apis/${keyOf(kind, name).apiVersion}/namespaces/${ns}/${resource}/${name}`,
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
        await applyObjects(kc, [workload(name, from, { kind, initImage: from })], { namespace: ns });
        const execute = executor();

        const [applied] = await execute([patch(kind, name, type, from, to)]);
        const after = await live(kind, name);
        expect(after.image(type)).toBe(to);
        expect(after.object.metadata.generation).toBe(2);
        expect(applied).toEqual({ key: `${name}/apply`, result: "applied", generation: 2 });
        // The other container type is untouched.
        expect(after.image(type === "containers" ? "initContainers" : "containers")).toBe(from);

        expect(await execute([patch(kind, name, type, from, to)])).toEqual([
          { key: `${name}/apply`, result: "noop", generation: 2 },
        ]);

        await edit(kind, name, type, theirs);
        const [conflict] = await execute([patch(kind, name, type, to, image(name, "1.2.0"), "next")]);
        const container = type === "containers" ? "app" : "init";
        expect(conflict).toEqual({
          key: `${name}/next`,
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
    await applyObjects(kc, [workload(name, from)], { namespace: ns });
    // The real gateway, with someone else's edit landing right after the executor's GET.
    const racing: KubeGateway = {
      ...gateway,
      async get(key) {
        const object = await gateway.get(key);
        await edit("Deployment", name, "containers", theirs);
        return object;
      },
    };
    const [outcome] = await executor(racing)([patch("Deployment", name, "containers", from, to)]);
    expect(outcome).toEqual({
      key: `${name}/apply`,
      result: "conflict",
      message: "the container changed during the update",
    });
    expect((await live("Deployment", name)).image("containers")).toBe(theirs);
  });

  it("a missing target is a conflict, not an error", async () => {
    const [outcome] = await executor()([patch("Deployment", "absent", "containers", "a:1", "a:2")]);
    expect(outcome).toEqual({
      key: "absent/apply",
      result: "conflict",
      message: "Deployment absent not found",
    });
  });

  it("creates Events on the workload and the UpdateRequest once; a repeat is a no-op (409)", async () => {
    const [deployment] = await applyObjects(kc, [workload("evented", image("evented", "1.0.0"))], {
      namespace: ns,
    });
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
        expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
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
    expect(mine[0]?.eventTime).toBe(now.toISOString().replace("Z", "000Z"));
  });
});
