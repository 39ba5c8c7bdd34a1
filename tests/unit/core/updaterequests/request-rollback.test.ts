import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import { type RollbackPorts, requestRollback } from "../../../../src/core/updaterequests/request-rollback.ts";
import type { UpdateRequest } from "../../../../src/core/updaterequests/update-request.ts";
import { anUpdateRequest } from "../../../helpers/update-requests.ts";

const workload: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    namespace: "shop",
    uid: "d-1",
    annotations: {
      "headwind.sh/policy": "minor",
      "headwind.sh/update-history": JSON.stringify([
        {
          container: "nginx",
          image: "nginx:1.25.3",
          previousImage: "nginx:1.24.0",
          timestamp: "2026-11-20T00:00:00Z",
        },
      ]),
    },
  },
  spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:1.25.3" }] } } },
};

/** Ports over an in-memory namespace: what was created is listed afterwards. */
function ports(mayPatch: boolean, existing: UpdateRequest[] = []) {
  const created: UpdateRequest[] = [];
  const value: RollbackPorts = {
    getWorkload: async () => workload,
    listUpdateRequests: async () => [...existing, ...created],
    mayPatchWorkload: async () => mayPatch,
    create: async (ur) => {
      created.push(ur);
      return ur;
    },
  };
  return { value, created };
}

const input = {
  what: "Deployment shop/web",
  username: "alice",
  ask: {},
  now: Date.parse("2026-11-25T12:00:00Z"),
  approvalTtlSeconds: 60,
};

describe("requestRollback", () => {
  it("creates an automatic rollback for someone who may patch the workload, a pending one otherwise", async () => {
    for (const [mayPatch, approval] of [
      [true, "Automatic"],
      [false, "Required"],
    ] as const) {
      const { value, created } = ports(mayPatch);
      const outcome = await requestRollback(value, input);
      expect(outcome).toMatchObject({
        result: "created",
        ur: { spec: { approval, newImage: "nginx:1.24.0" } },
      });
      expect(created).toHaveLength(1);
    }
  });

  it("refuses a second rollback of the container while one is under way", async () => {
    const { value } = ports(true);
    await requestRollback(value, input);
    expect(await requestRollback(value, { ...input, now: Date.parse("2026-11-25T12:00:05Z") })).toEqual({
      result: "conflict",
      error: expect.stringMatching(/^a rollback of container nginx is already under way: web-nginx-rb-/),
    });
  });

  it("is not held back by a finished rollback or by an update", async () => {
    const done = anUpdateRequest({ phase: "Completed" }, { type: "rollback", requestedBy: "bob" });
    const { value } = ports(true, [done, anUpdateRequest({ phase: "Pending" })]);
    expect(await requestRollback(value, input)).toMatchObject({ result: "created" });
  });

  it("says what is missing", async () => {
    const gone = { ...ports(true).value, getWorkload: async () => undefined };
    expect(await requestRollback(gone, input)).toEqual({
      result: "not-found",
      error: "Deployment shop/web not found",
    });
    expect(await requestRollback(ports(true).value, { ...input, ask: { to: "nginx:0.1" } })).toMatchObject({
      result: "invalid",
    });
  });
});
