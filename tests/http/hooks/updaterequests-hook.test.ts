// The UpdateRequests sync hook through the app, with the real executor on an honest in-memory
// apiserver (fake-kube-gateway.ts): the body is only a hint, the hooks write the status
// themselves before notifying, and the whole step keeps to its budget.
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/core/kube-object.ts";
import type { UpdateRequest } from "../../../src/core/updaterequests/update-request.ts";
import { containerImages } from "../../../src/core/workloads/container-images.ts";
import { createExecutor } from "../../../src/hooks-server/effects/create-executor.ts";
import type { Notifier } from "../../../src/hooks-server/notify/create-notifier.ts";
import type { Notification } from "../../../src/hooks-server/notify/notification.ts";
import { KubeApiError } from "../../../src/kube/kube-api-error.ts";
import { fakeKubeGateway } from "../../helpers/fake-kube-gateway.ts";
import { fixedNow, hooksApp } from "../../helpers/hooks-app.ts";
import { aDeployment, anUpdateRequest, urRequest } from "../../helpers/update-requests.ts";

const sync = "/hooks/updaterequests/sync";

function annotated(image: string, namespace = "shop", name = "web", uid = "d-1"): KubeObject {
  const d = aDeployment(image);
  return {
    ...d,
    metadata: { ...d.metadata, namespace, name, uid, annotations: { "headwind.sh/policy": "minor" } },
  };
}

const imageOf = (object: KubeObject | undefined) =>
  object === undefined ? undefined : containerImages(object)[0]?.image;

/** The hooks app on an in-memory apiserver holding `objects`, notifying through `notify`. */
function setup(objects: KubeObject[], notify?: Notifier, effectBudgetMs = 15_000) {
  const gateway = fakeKubeGateway();
  for (const object of objects) gateway.put(object);
  const sent: Notification[] = [];
  const execute = createExecutor({
    gateway,
    notify:
      notify ??
      (async (n) => {
        sent.push(n);
        return [];
      }),
    clock: () => fixedNow,
    instance: "http-test",
  });
  const app = hooksApp({ execute, gateway, settings: { effectBudgetMs } });
  const live = () => gateway.updateRequest("shop", "web-nginx-0b80d67fed");
  return { ...app, gateway, sent, live };
}

describe("POST /hooks/updaterequests/sync: the body is a hint", () => {
  it("a forged Applying request for kube-system/coredns patches nothing and is counted as refused", async () => {
    const coredns = {
      ...aDeployment("registry.k8s.io/coredns/coredns:v1.11.1"),
      metadata: { name: "coredns", namespace: "kube-system", uid: "c-1" },
    };
    const { post, gateway, registry } = setup([coredns]);
    const forgedUr: UpdateRequest = {
      ...anUpdateRequest(
        { phase: "Applying" },
        {
          targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "coredns", namespace: "kube-system" },
          containerName: "coredns",
          currentImage: "registry.k8s.io/coredns/coredns:v1.11.1",
          newImage: "registry.k8s.io/coredns/coredns:v0.0.0-does-not-exist",
        },
      ),
      metadata: {
        name: "coredns-owned",
        namespace: "kube-system",
        uid: "forged",
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "Deployment", name: "coredns", uid: "c-1", controller: true },
        ],
      },
    };
    const res = await post(sync, urRequest(forgedUr, coredns));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: null, attachments: [] });
    expect(gateway.calls).toEqual(["GET UpdateRequest kube-system/coredns-owned"]);
    expect(
      imageOf(
        gateway.workload({
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: "coredns",
          namespace: "kube-system",
        }),
      ),
    ).toBe("registry.k8s.io/coredns/coredns:v1.11.1");
    expect(await registry.getSingleMetricAsString("headwind_effects_refused_total")).toContain(
      'headwind_effects_refused_total{reason="no-update-request"} 1',
    );
  });

  it("a forged phase for a real Pending request is decided again from the live one: nothing happens", async () => {
    const { post, gateway, live, sent } = setup([
      annotated("nginx:1.25.3"),
      anUpdateRequest({ phase: "Pending" }),
    ]);
    const forged = urRequest(anUpdateRequest({ phase: "Applying" }), annotated("nginx:1.25.3"));
    expect(await (await post(sync, forged)).json()).toEqual({
      status: null,
      attachments: [],
      resyncAfterSeconds: 79_200,
    });
    expect(gateway.calls.filter((c) => !c.startsWith("GET"))).toEqual([]);
    expect(live()?.status?.phase).toBe("Pending");
    expect(sent).toEqual([]);
  });

  it("an unannotated target is refused at the patch: Failed with refused, an Event, nothing patched", async () => {
    const bare = { ...aDeployment("nginx:1.25.3"), metadata: { ...aDeployment("x").metadata } };
    const { post, gateway, live, registry } = setup([bare, anUpdateRequest({ phase: "Applying" })]);
    await post(sync, urRequest(anUpdateRequest({ phase: "Applying" }), bare));
    expect(live()?.status).toMatchObject({
      phase: "Failed",
      message: "refused: Deployment shop/web does not opt in with a headwind.sh/policy",
    });
    expect(
      imageOf(
        gateway.workload({ apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" }),
      ),
    ).toBe("nginx:1.25.3");
    expect(gateway.events.map((e) => e.reason)).toEqual(["UpdateFailed", "UpdateFailed"]);
    expect(await registry.getSingleMetricAsString("headwind_effects_refused_total")).toContain(
      'headwind_effects_refused_total{reason="not-annotated"} 1',
    );
  });
});

describe("POST /hooks/updaterequests/sync: persist, then notify, once", () => {
  it("writes the phase with its notification claimed, answers status null, and a retry sends nothing", async () => {
    const { post, gateway, live, sent } = setup([annotated("nginx:1.25.3"), anUpdateRequest()]);
    const body = urRequest(anUpdateRequest(), annotated("nginx:1.25.3"));
    expect(await (await post(sync, body)).json()).toEqual({
      status: null,
      attachments: [],
      resyncAfterSeconds: 79_200,
    });
    expect(live()?.status).toEqual({
      phase: "Pending",
      message: "waiting for approval until 2026-11-26T10:00:00.000Z",
      notified: ["Pending/update_request_created"],
    });
    expect(sent.map((n) => n.event)).toEqual(["update_request_created"]);
    const writes = gateway.calls.filter((c) => c.endsWith("/status"));
    // Metacontroller retries with its stale body (the answer was lost): the live phase has moved.
    await post(sync, body);
    expect(sent).toHaveLength(1);
    expect(gateway.calls.filter((c) => c.endsWith("/status"))).toEqual(writes);
  });

  it("two replicas on the same step: one writes and notifies, the other finds the request changed", async () => {
    const { post, gateway, sent } = setup([
      annotated("nginx:1.25.3"),
      anUpdateRequest({ phase: "Approved", approvedBy: "alice" }),
    ]);
    const body = urRequest(
      anUpdateRequest({ phase: "Approved", approvedBy: "alice" }),
      annotated("nginx:1.25.3"),
    );
    gateway.before = async (call) => {
      // The other replica reads the same resourceVersion before either writes.
      if (call.endsWith("/status")) await new Promise((r) => setTimeout(r, 20));
    };
    const answers = await Promise.all([post(sync, body), post(sync, body)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(sent.map((n) => n.event)).toEqual(["update_approved"]);
  });

  it("a notification endpoint slower than the budget never holds the answer: the phase is written first", async () => {
    let started = 0;
    const stalled: Notifier = (_n, signal) =>
      new Promise((resolve) => {
        started += 1;
        signal?.addEventListener("abort", () => resolve(["webhook"]));
      });
    const { post, live, lines } = setup([annotated("nginx:1.25.3"), anUpdateRequest()], stalled, 150);
    const t0 = Date.now();
    const res = await post(sync, urRequest(anUpdateRequest(), annotated("nginx:1.25.3")));
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(started).toBe(1);
    expect(live()?.status?.phase).toBe("Pending");
    expect(live()?.status?.notified).toEqual(["Pending/update_request_created"]);
    expect(lines.some((l) => l.msg === "effect not delivered")).toBe(true);
  });

  it("a request changed since it was read (a person decided meanwhile) is not overwritten", async () => {
    const { post, gateway, live, sent } = setup([annotated("nginx:1.25.3"), anUpdateRequest()]);
    gateway.before = (call) => {
      if (call.endsWith("/status")) {
        gateway.before = undefined;
        gateway.put(anUpdateRequest({ phase: "Rejected", rejectedBy: "bob" }));
      }
    };
    expect(await (await post(sync, urRequest(anUpdateRequest(), annotated("nginx:1.25.3")))).json()).toEqual({
      status: null,
      attachments: [],
    });
    expect(live()?.status).toEqual({ phase: "Rejected", rejectedBy: "bob" });
    expect(sent).toEqual([]);
  });

  it("applies: Progressing with the generation the patch produced", async () => {
    const { post, gateway, live } = setup([
      annotated("nginx:1.25.3"),
      anUpdateRequest({ phase: "Applying", approvedBy: "alice" }),
    ]);
    const res = await post(
      sync,
      urRequest(anUpdateRequest({ phase: "Applying" }), annotated("nginx:1.25.3")),
    );
    // Woken for the rollout deadline (rollback-timeout, 300 s) only; the rollout's own changes bring the rest.
    expect(await res.json()).toEqual({ status: null, attachments: [], resyncAfterSeconds: 300 });
    expect(live()?.status).toMatchObject({ phase: "Progressing", appliedGeneration: 5, approvedBy: "alice" });
    expect(
      imageOf(
        gateway.workload({ apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" }),
      ),
    ).toBe("nginx:1.27.0");
  });

  it("an update that needs no approval is patched in its first sync; a lost answer repeats it as a no-op", async () => {
    const automatic = () => anUpdateRequest(undefined, { approval: "Automatic" });
    const unasked = (image: string) => {
      const d = annotated(image);
      const annotations = { ...d.metadata.annotations, "headwind.sh/require-approval": "false" };
      return { ...d, metadata: { ...d.metadata, annotations } };
    };
    const { post, gateway, live } = setup([unasked("nginx:1.25.3"), automatic()]);
    await post(sync, urRequest(automatic(), unasked("nginx:1.25.3")));
    expect(live()?.status).toMatchObject({
      phase: "Progressing",
      approvedBy: "headwind (require-approval: false)",
      appliedGeneration: 5,
    });
    // One read of each (the executor reuses them), the patch, one status write, the Event pair.
    expect(gateway.calls).toEqual([
      "GET UpdateRequest shop/web-nginx-0b80d67fed",
      "GET Deployment shop/web",
      "PATCH Deployment shop/web",
      "PATCH UpdateRequest shop/web-nginx-0b80d67fed/status",
      expect.stringMatching(/^POST Event shop\/web-nginx-0b80d67fed\./),
      expect.stringMatching(/^POST Event shop\/web\./),
    ]);

    // The Progressing write never happened (the answer was lost): the same sync again.
    gateway.put(automatic());
    gateway.calls.length = 0;
    await post(sync, urRequest(automatic(), unasked("nginx:1.27.0")));
    expect(live()?.status).toMatchObject({ phase: "Progressing", appliedGeneration: 5 });
    // The image is already the new one: no patch, just the Progressing write that was lost.
    expect(gateway.calls.filter((c) => c.startsWith("PATCH"))).toEqual([
      "PATCH UpdateRequest shop/web-nginx-0b80d67fed/status",
    ]);
  });

  it("a transient apiserver failure is a 5xx (Metacontroller retries); nothing is written", async () => {
    const { post, gateway, live } = setup([
      annotated("nginx:1.25.3"),
      anUpdateRequest({ phase: "Applying" }),
    ]);
    gateway.before = (call) => {
      if (call.startsWith("PATCH Deployment")) throw new KubeApiError(503, "HTTP 503");
    };
    expect(
      (await post(sync, urRequest(anUpdateRequest({ phase: "Applying" }), annotated("nginx:1.25.3")))).status,
    ).toBe(500);
    expect(live()?.status?.phase).toBe("Applying");
  });
});
