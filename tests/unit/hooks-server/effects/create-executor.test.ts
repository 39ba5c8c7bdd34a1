import { describe, expect, it } from "vitest";
import { containerImages } from "../../../../src/core/workloads/container-images.ts";
import { createExecutor, eventOf } from "../../../../src/hooks-server/effects/create-executor.ts";
import type { Effect } from "../../../../src/hooks-server/effects/effect.ts";
import type { Notification } from "../../../../src/hooks-server/notify/notification.ts";
import { KubeApiError } from "../../../../src/kube/kube-api-error.ts";
import { fakeKubeGateway } from "../../../helpers/fake-kube-gateway.ts";
import { anApplyPatch, anOptedInDeployment, anUpdateRequest } from "../../../helpers/update-requests.ts";

const now = Date.parse("2026-11-25T12:00:00.000Z");
const apply = anApplyPatch();

function setup(running = "nginx:1.25.3", phase: "Applying" | "Pending" = "Applying") {
  const gateway = fakeKubeGateway();
  gateway.put(anOptedInDeployment(running));
  gateway.put(anUpdateRequest({ phase }));
  const sent: Notification[] = [];
  const execute = createExecutor({
    gateway,
    notify: async (n, signal) => {
      if (signal?.aborted) return ["webhook"];
      sent.push(n);
      return [];
    },
    clock: () => now,
    instance: "unit",
  });
  const image = () => {
    const live = gateway.workload(apply.target);
    return live === undefined ? undefined : containerImages(live)[0]?.image;
  };
  return { gateway, execute, sent, image };
}

describe("createExecutor: image patches", () => {
  it("reads the request and its target, then patches; a repeat is a no-op", async () => {
    const { gateway, execute, image } = setup();
    expect(await execute([apply])).toEqual([{ key: "ur-1/apply", result: "applied", generation: 5 }]);
    expect(image()).toBe("nginx:1.27.0");
    expect(gateway.calls).toEqual([
      "GET UpdateRequest shop/web-nginx-0b80d67fed",
      "GET Deployment shop/web",
      "PATCH Deployment shop/web",
    ]);
    expect(await execute([apply])).toEqual([{ key: "ur-1/apply", result: "noop", generation: 5 }]);
  });

  it("checks against what the calling sync just read, without reading again; refuses what that does not back", async () => {
    const { gateway, execute, image } = setup();
    const live = {
      updateRequest: anUpdateRequest({ phase: "Applying" }),
      target: anOptedInDeployment("nginx:1.25.3"),
    };
    expect(await execute([apply], undefined, live)).toEqual([
      { key: "ur-1/apply", result: "applied", generation: 5 },
    ]);
    expect(gateway.calls).toEqual(["PATCH Deployment shop/web"]);
    expect(image()).toBe("nginx:1.27.0");

    const pending = { ...live, updateRequest: anUpdateRequest({ phase: "Pending" }) };
    expect(await execute([apply], undefined, pending)).toMatchObject([
      { result: "refused", reason: "phase" },
    ]);
    // Reads of another request are no answer for this one: it is read.
    const other = anUpdateRequest({ phase: "Applying" });
    const elsewhere = {
      ...live,
      updateRequest: { ...other, metadata: { ...other.metadata, name: "other" } },
    };
    gateway.calls.length = 0;
    await execute([apply], undefined, elsewhere);
    expect(gateway.calls.slice(0, 2)).toEqual([
      "GET UpdateRequest shop/web-nginx-0b80d67fed",
      "GET Deployment shop/web",
    ]);
  });

  it("sends nothing the live request does not back", async () => {
    const { gateway, execute, image } = setup("nginx:1.25.3", "Pending");
    expect(await execute([apply])).toEqual([
      {
        key: "ur-1/apply",
        result: "refused",
        reason: "phase",
        message: "UpdateRequest shop/web-nginx-0b80d67fed is Pending, not Applying",
      },
    ]);
    const coredns: Effect = {
      ...apply,
      target: { ...apply.target, namespace: "kube-system", name: "coredns" },
    };
    expect(await execute([coredns])).toMatchObject([{ result: "refused" }]);
    expect(gateway.calls.filter((c) => c.startsWith("PATCH"))).toEqual([]);
    expect(image()).toBe("nginx:1.25.3");
  });

  it("keeps someone else's change: a conflict, not a patch", async () => {
    const { execute, image } = setup("nginx:1.26.0");
    expect(await execute([apply])).toEqual([
      {
        key: "ur-1/apply",
        result: "conflict",
        message: "container nginx runs nginx:1.26.0, expected nginx:1.25.3",
      },
    ]);
    expect(image()).toBe("nginx:1.26.0");
  });

  it("tells a failed test op (someone changed it in between) from a refusal for good", async () => {
    const raced = setup();
    raced.gateway.before = (call) => {
      if (call.startsWith("PATCH")) {
        raced.gateway.before = undefined;
        raced.gateway.put(anOptedInDeployment("nginx:1.26.1"));
      }
    };
    expect(await raced.execute([apply])).toEqual([
      { key: "ur-1/apply", result: "conflict", message: "the container changed during the update" },
    ]);

    const denied = setup();
    denied.gateway.before = (call) => {
      if (call.startsWith("PATCH"))
        throw new KubeApiError(403, "PATCH web: HTTP 403 denied by admission", "Forbidden");
    };
    expect(await denied.execute([apply])).toEqual([
      { key: "ur-1/apply", result: "failed", message: "PATCH web: HTTP 403 denied by admission" },
    ]);
  });

  it.each([409, 429, 500, 503, 0])(
    "lets a transient %s through, so the hook answers 5xx and is retried",
    async (status) => {
      const { gateway, execute } = setup();
      gateway.before = (call) => {
        if (call.startsWith("PATCH")) throw new KubeApiError(status, `HTTP ${status}`);
      };
      await expect(execute([apply])).rejects.toThrow(`HTTP ${status}`);
    },
  );
});

describe("createExecutor: Events and notifications", () => {
  const event: Effect = {
    type: "event",
    key: "ur-1/Completed/ur",
    regarding: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop", uid: "d-1" },
    eventType: "Normal",
    reason: "UpdateCompleted",
    message: "done",
  };

  it("creates each Event once: its name comes from the effect key", async () => {
    const { gateway, execute } = setup();
    expect(await execute([event])).toEqual([{ key: event.key, result: "applied" }]);
    expect(await execute([event])).toEqual([{ key: event.key, result: "noop" }]);
    expect(gateway.events).toEqual([eventOf(event as Extract<Effect, { type: "event" }>, now, "unit")]);
    expect(gateway.events[0]).toMatchObject({
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      eventTime: "2026-11-25T12:00:00.000000Z",
      reportingController: "headwind.sh/hooks",
    });
  });

  it("records an Event or notification it could not deliver, and goes on", async () => {
    const { gateway, execute } = setup();
    gateway.before = () => {
      throw new KubeApiError(500, "HTTP 500");
    };
    const budget = AbortSignal.abort();
    const note: Effect = { type: "notify", key: "n", notification: {} as Notification };
    expect(await execute([event, note], budget)).toEqual([
      { key: event.key, result: "undelivered", message: "HTTP 500" },
      { key: "n", result: "undelivered", message: "not delivered to webhook" },
    ]);
  });
});
