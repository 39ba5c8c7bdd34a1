// Issue 7's attack, as an attacker in the cluster would try it, against the real hooks server
// (served on loopback, its executor acting as the hooks ServiceAccount) and the real apiserver with
// Headwind's admission policies: one forged POST to /hooks/updaterequests/sync — a made-up
// UpdateRequest in phase Applying and a made-up "related" Deployment whose uid matches the forged
// owner reference — aimed at an unannotated kube-system/coredns. Without the credential it is a
// 401; with a stolen credential it still patches nothing, because the body is only a hint.

import { randomBytes } from "node:crypto";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installAdmission } from "../helpers/admission.ts";
import {
  adminConfig,
  applyObjects,
  createTestNamespace,
  kubeRequest,
  statusCode,
} from "../helpers/cluster.ts";
import { emptyNamespace, type FlowHooks, flowHooks, flowSettings, offsetClock } from "../helpers/flows.ts";
import { hooksServiceAccount, installHeadwind } from "../helpers/headwind-install.ts";
import { headwindEvents, imageOf, workload } from "../helpers/headwind-objects.ts";
import { type OwnedRequest, ownedUpdateRequest } from "../helpers/owned-update-request.ts";
import { type LoopbackServer, listenOnLoopback } from "../helpers/registry-listen.ts";

const corednsImage = "registry.k8s.io/coredns/coredns:v1.11.1";
const bogusImage = "registry.k8s.io/coredns/coredns:v0.0.0-does-not-exist";

let kc: KubeConfig;
let asHooks: KubeConfig;
let hooks: FlowHooks;
let server: LoopbackServer;
const token = randomBytes(32).toString("hex");
const namespaces: string[] = [];
const urBase = "/apis/headwind.sh/v1alpha1/namespaces";
let coredns: OwnedRequest["target"];

beforeAll(async () => {
  kc = adminConfig();
  await installHeadwind(kc);
  asHooks = await hooksServiceAccount(kc);
  await installAdmission(kc, asHooks);
  hooks = flowHooks({
    gatewayConfig: asHooks,
    clock: offsetClock(),
    settings: flowSettings,
    hookTokens: [token],
  });
  server = await listenOnLoopback(hooks.handler);
  try {
    await kubeRequest(kc, "POST", "/api/v1/namespaces", { metadata: { name: "kube-system" } });
  } catch (error) {
    if (statusCode(error) !== 409) throw error;
  }
  const [stored] = await applyObjects(kc, [workload("coredns", corednsImage)], { namespace: "kube-system" });
  coredns = stored as OwnedRequest["target"];
});

afterAll(async () => {
  await server?.close();
  // What later test files' Metacontroller and sidecar would otherwise find.
  for (const ns of namespaces) await emptyNamespace(kc, ns);
  await kubeRequest(kc, "DELETE", `${urBase}/kube-system/updaterequests/coredns-by-hand`).catch(
    () => undefined,
  );
  await kubeRequest(kc, "DELETE", "/apis/apps/v1/namespaces/kube-system/deployments/coredns");
});

/** What Metacontroller would send for `ur`, with `target` as the related workload. */
function syncBody(ur: Record<string, unknown>, target: KubernetesObject) {
  const { namespace, name } = target.metadata ?? {};
  return {
    object: ur,
    attachments: {},
    related: { "Deployment.apps/v1": { [`${namespace}/${name}`]: target } },
    finalizing: false,
  };
}

function post(body: unknown, authorization?: string) {
  return fetch(`${server.origin}/hooks/updaterequests/sync`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
}

/** The forged request of the issue: Applying, "owned" by coredns, moving it to a tag that does not exist. */
function forgedRequest(): Record<string, unknown> {
  return {
    apiVersion: "headwind.sh/v1alpha1",
    kind: "UpdateRequest",
    metadata: {
      name: "coredns-coredns-0123456789",
      namespace: "kube-system",
      uid: "00000000-0000-0000-0000-000000000001",
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: "coredns",
          uid: coredns.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: {
      targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "coredns", namespace: "kube-system" },
      containerName: "app",
      containerType: "containers",
      currentImage: corednsImage,
      newImage: bogusImage,
      policy: "major",
      approval: "Automatic",
      expiresAt: "2099-01-01T00:00:00Z",
      autoRollback: false,
      rollbackTimeoutSeconds: 300,
      healthCheckRetries: 3,
    },
    status: { phase: "Applying", approvedBy: "mallory" },
  };
}

const metric = async (name: string) => (await hooks.registry.getSingleMetricAsString(name)).split("\n");

describe("a forged UpdateRequests sync", () => {
  it("without the credential: 401, and coredns keeps its image", async () => {
    const res = await post(syncBody(forgedRequest(), coredns));
    expect(res.status).toBe(401);
    expect((await post(syncBody(forgedRequest(), coredns), `Bearer ${"0".repeat(64)}`)).status).toBe(401);
    expect(await imageOf(kc, "kube-system", "coredns")).toBe(corednsImage);
    expect(await metric("headwind_hook_unauthorized_total")).toEqual(
      expect.arrayContaining([
        'headwind_hook_unauthorized_total{reason="missing"} 1',
        'headwind_hook_unauthorized_total{reason="invalid"} 1',
      ]),
    );
  });

  it("with a stolen credential, a made-up request and a made-up target: 200, no patch, counted as refused", async () => {
    const forgedTarget = {
      ...coredns,
      metadata: { ...coredns.metadata, annotations: { "headwind.sh/policy": "major" } },
    };
    const res = await post(syncBody(forgedRequest(), forgedTarget), `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: null, attachments: [] });
    expect(await imageOf(kc, "kube-system", "coredns")).toBe(corednsImage);
    expect(await metric("headwind_effects_refused_total")).toContain(
      'headwind_effects_refused_total{reason="no-update-request"} 1',
    );
    expect(await headwindEvents(kc, "kube-system")).toEqual([]);
  });

  it("with a stolen credential and a real request, a forged phase changes nothing: it is decided again from the live one", async () => {
    const ns = await createTestNamespace(kc, "hw-forged");
    namespaces.push(ns);
    const [web] = (await applyObjects(
      kc,
      [
        workload("web", "registry.test:5000/shop/web:1.0.0", {
          annotations: { "headwind.sh/policy": "minor" },
        }),
      ],
      { namespace: ns },
    )) as OwnedRequest["target"][];
    if (!web) throw new Error("no workload");
    const effect = await ownedUpdateRequest(kc, asHooks, {
      target: web,
      name: "web-app-pending",
      currentImage: "registry.test:5000/shop/web:1.0.0",
      newImage: "registry.test:5000/shop/web:1.1.0",
      phase: "Pending",
    });
    const live = (await kubeRequest(
      kc,
      "GET",
      `/apis/headwind.sh/v1alpha1/namespaces/${ns}/updaterequests/web-app-pending`,
    )) as Record<string, unknown>;
    const forged = { ...live, status: { phase: "Applying", approvedBy: "mallory" } };
    expect((await post(syncBody(forged, web), `Bearer ${token}`)).status).toBe(200);
    expect(await imageOf(kc, ns, "web")).toBe("registry.test:5000/shop/web:1.0.0");
    const after = (await kubeRequest(
      kc,
      "GET",
      `/apis/headwind.sh/v1alpha1/namespaces/${ns}/updaterequests/${effect.updateRequest.name}`,
    )) as { status?: { phase?: string } };
    expect(after.status?.phase).toBe("Pending");
  });

  it("a real, owned, Applying request for an unannotated workload ends Failed with refused, an Event, and no patch", async () => {
    // Someone allowed to create UpdateRequests wrote one by hand for coredns, owner reference and all.
    const effect = await ownedUpdateRequest(kc, asHooks, {
      target: coredns,
      name: "coredns-by-hand",
      currentImage: corednsImage,
      newImage: bogusImage,
      phase: "Applying",
    });
    const live = (await kubeRequest(
      kc,
      "GET",
      `/apis/headwind.sh/v1alpha1/namespaces/kube-system/updaterequests/${effect.updateRequest.name}`,
    )) as Record<string, unknown>;
    expect((await post(syncBody(live, coredns), `Bearer ${token}`)).status).toBe(200);
    expect(await imageOf(kc, "kube-system", "coredns")).toBe(corednsImage);
    const after = (await kubeRequest(
      kc,
      "GET",
      `/apis/headwind.sh/v1alpha1/namespaces/kube-system/updaterequests/${effect.updateRequest.name}`,
    )) as { status?: { phase?: string; message?: string } };
    expect(after.status).toMatchObject({
      phase: "Failed",
      message: "refused: Deployment kube-system/coredns does not opt in with a headwind.sh/policy",
    });
    const events = await headwindEvents(kc, "kube-system");
    expect(events.map((e) => [e.regarding.kind, e.type, e.reason])).toEqual(
      expect.arrayContaining([
        ["UpdateRequest", "Warning", "UpdateFailed"],
        ["Deployment", "Warning", "UpdateFailed"],
      ]),
    );
    expect(await metric("headwind_effects_refused_total")).toContain(
      'headwind_effects_refused_total{reason="not-annotated"} 1',
    );
  });
});
