import { describe, expect, it } from "vitest";
import { createKubeGateway, statusPatch } from "../../../../src/hooks-server/effects/kube-gateway.ts";
import type { KubeRequest } from "../../../../src/kube/create-kube-transport.ts";
import { KubeApiError } from "../../../../src/kube/kube-api-error.ts";
import { anUpdateRequest } from "../../../helpers/update-requests.ts";

/** A transport that records each request and answers from a list (an error answers by throwing). */
function transport(answers: unknown[] = []) {
  const sent: KubeRequest[] = [];
  const send = async (request: KubeRequest) => {
    sent.push(request);
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { sent, gateway: createKubeGateway(send) };
}

const web = { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" };
const nightly = { apiVersion: "batch/v1", kind: "CronJob", name: "nightly", namespace: "shop" };

describe("createKubeGateway", () => {
  it("reads workloads and UpdateRequests by path; a 404 is undefined, anything else throws", async () => {
    const signal = new AbortController().signal;
    const { sent, gateway } = transport([
      { kind: "Deployment" },
      new KubeApiError(404, "not found"),
      { kind: "UpdateRequest" },
      new KubeApiError(403, "forbidden"),
    ]);
    expect(await gateway.getWorkload(web, signal)).toEqual({ kind: "Deployment" });
    expect(await gateway.getWorkload(nightly)).toBeUndefined();
    expect(await gateway.getUpdateRequest("shop", "web-nginx", signal)).toEqual({ kind: "UpdateRequest" });
    await expect(gateway.getUpdateRequest("shop", "x")).rejects.toThrow("forbidden");
    expect(sent.map((r) => [r.method, r.path, r.signal === signal])).toEqual([
      ["GET", "/apis/apps/v1/namespaces/shop/deployments/web", true],
      ["GET", "/apis/batch/v1/namespaces/shop/cronjobs/nightly", false],
      ["GET", "/apis/headwind.sh/v1alpha1/namespaces/shop/updaterequests/web-nginx", true],
      ["GET", "/apis/headwind.sh/v1alpha1/namespaces/shop/updaterequests/x", false],
    ]);
  });

  it("sends the image patch as a JSON patch under Headwind's field manager", async () => {
    const { sent, gateway } = transport([{ metadata: { generation: 2 } }]);
    const ops = [
      { op: "test" as const, path: "/spec/template/spec/containers/0/image", value: "a:1" },
      { op: "replace" as const, path: "/spec/template/spec/containers/0/image", value: "a:2" },
    ];
    await gateway.patchWorkload(web, ops);
    expect(sent).toEqual([
      {
        method: "PATCH",
        path: "/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=headwind",
        body: ops,
        contentType: "application/json-patch+json",
        signal: undefined,
      },
    ]);
  });

  it("refuses a kind it does not manage instead of guessing a path", async () => {
    const { gateway } = transport();
    await expect(gateway.getWorkload({ ...web, apiVersion: "v1", kind: "Pod" })).rejects.toThrow(
      "no API path known for v1 Pod",
    );
  });

  it("writes the status as a merge patch conditional on the resourceVersion read, removing dropped fields", async () => {
    const { sent, gateway } = transport([{}]);
    const ur = anUpdateRequest({ phase: "Progressing", failedChecks: 2, checkedAt: "t", message: "m" });
    ur.metadata.resourceVersion = "41";
    await gateway.writeUpdateRequestStatus(ur, { phase: "Completed", message: "rolled out" });
    expect(sent).toEqual([
      {
        method: "PATCH",
        path: "/apis/headwind.sh/v1alpha1/namespaces/shop/updaterequests/web-nginx-0b80d67fed/status?fieldManager=headwind",
        body: {
          metadata: { resourceVersion: "41" },
          status: { failedChecks: null, checkedAt: null, phase: "Completed", message: "rolled out" },
        },
        contentType: "application/merge-patch+json",
        signal: undefined,
      },
    ]);
  });

  it("creates Events through events.k8s.io/v1 in their namespace", async () => {
    const { sent, gateway } = transport([{}]);
    const event = { metadata: { name: "web.1", namespace: "shop" }, reason: "UpdateCompleted" };
    await gateway.createEvent(event);
    expect(sent).toMatchObject([
      { method: "POST", path: "/apis/events.k8s.io/v1/namespaces/shop/events", body: event },
    ]);
  });
});

describe("statusPatch", () => {
  it("sends every field of the new status and null for each it drops", () => {
    expect(statusPatch({ phase: "Pending", message: "m" }, { phase: "Approved", approvedBy: "a" })).toEqual({
      message: null,
      phase: "Approved",
      approvedBy: "a",
    });
    expect(statusPatch({}, {})).toEqual({});
  });
});
