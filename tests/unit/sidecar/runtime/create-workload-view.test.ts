import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import { findWorkloadKind, type WorkloadKind } from "../../../../src/core/workloads/workload-kinds.ts";
import type { WatchEvent, WatchRequest } from "../../../../src/kube/create-kube-watch.ts";
import { KubeApiError } from "../../../../src/kube/kube-api-error.ts";
import { createWorkloadView, isOptedIn } from "../../../../src/sidecar/runtime/create-workload-view.ts";

const deployments = findWorkloadKind("Deployment") as WorkloadKind;
const cronJobs = findWorkloadKind("CronJob") as WorkloadKind;

function workload(name: string, annotations: Record<string, string> = {}, resourceVersion = "1"): KubeObject {
  return { apiVersion: "", kind: "", metadata: { name, namespace: "shop", annotations, resourceVersion } };
}
const opted = (name: string, rv = "1") => workload(name, { "headwind.sh/policy": "minor" }, rv);

/** LIST answers per kind (in pages of 2), and watch streams the test feeds event by event. */
function scripted(lists: Record<string, KubeObject[]>) {
  const listed: string[] = [];
  const streams: {
    request: WatchRequest;
    emit: (e: WatchEvent<unknown>) => void;
    end: (e?: Error) => void;
  }[] = [];
  const kube = {
    async listWorkloads(kind: WorkloadKind, page: { limit: number; continueToken?: string | undefined }) {
      listed.push(kind.kind);
      const items = lists[kind.kind] ?? [];
      const start = Number(page.continueToken ?? 0);
      const end = start + page.limit;
      return {
        items: items.slice(start, end),
        continueToken: end < items.length ? String(end) : undefined,
        resourceVersion: "10",
      };
    },
    watch: <T>(request: WatchRequest, onEvent: (event: WatchEvent<T>) => void) =>
      new Promise<void>((resolve, reject) => {
        streams.push({
          request,
          emit: onEvent as (e: WatchEvent<unknown>) => void,
          end: (error) => (error ? reject(error) : resolve()),
        });
        request.signal?.addEventListener("abort", () => resolve(), { once: true });
      }),
  };
  return { kube, listed, streams };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
const names = (list: readonly KubeObject[]) => list.map((w) => `${w.kind}/${w.metadata.name}`).sort();

describe("createWorkloadView", () => {
  it("holds only opted-in workloads (policy other than none), typed, once every kind is listed", async () => {
    const api = scripted({
      Deployment: [
        opted("a"),
        workload("plain"),
        workload("off", { "headwind.sh/policy": " None " }),
        opted("b"),
      ],
      CronJob: [opted("nightly")],
    });
    let changes = 0;
    const view = createWorkloadView({
      kube: api.kube,
      kinds: [deployments, cronJobs],
      resyncMs: 60_000,
      pageSize: 2,
      onChange: () => changes++,
      onError: () => {},
    });
    expect(() => view.workloads()).toThrow("the workloads have not been listed yet");
    const stop = new AbortController();
    const running = view.run(stop.signal);
    await settle();
    expect(names(view.workloads())).toEqual(["CronJob/nightly", "Deployment/a", "Deployment/b"]);
    expect(view.workloads().find((w) => w.metadata.name === "a")?.apiVersion).toBe("apps/v1");
    // Two pages of Deployments, one of CronJobs; each watch starts from its LIST's version.
    expect(api.listed).toEqual(["Deployment", "CronJob", "Deployment"]);
    expect(api.streams.map((s) => [s.request.path, s.request.resourceVersion])).toEqual([
      ["/apis/batch/v1/cronjobs", "10"],
      ["/apis/apps/v1/deployments", "10"],
    ]);
    expect(changes).toBe(2);
    stop.abort();
    await running;
  });

  it("a watch event adds a newly annotated workload, updates it, and drops it when deleted or opted out", async () => {
    const api = scripted({ Deployment: [opted("a")] });
    let changes = 0;
    const view = createWorkloadView({
      kube: api.kube,
      kinds: [deployments],
      resyncMs: 60_000,
      onChange: () => changes++,
      onError: () => {},
    });
    const stop = new AbortController();
    const running = view.run(stop.signal);
    await settle();
    const [stream] = api.streams;
    stream?.emit({ type: "ADDED", object: opted("late", "11") });
    expect(names(view.workloads())).toEqual(["Deployment/a", "Deployment/late"]);
    stream?.emit({ type: "MODIFIED", object: workload("unrelated", {}, "12") });
    expect(changes).toBe(2);
    stream?.emit({ type: "MODIFIED", object: workload("late", { "headwind.sh/policy": "none" }, "13") });
    stream?.emit({ type: "DELETED", object: opted("a", "14") });
    expect(view.workloads()).toEqual([]);
    expect(changes).toBe(4);
    stop.abort();
    await running;
  });

  it("after a 410 the LIST runs again and replaces what is held; other errors are reported", async () => {
    const api = scripted({ Deployment: [opted("a")] });
    const errors: string[] = [];
    const view = createWorkloadView({
      kube: api.kube,
      kinds: [deployments],
      resyncMs: 60_000,
      onChange: () => {},
      onError: (kind, error) => errors.push(`${kind.kind}: ${(error as Error).message}`),
    });
    const stop = new AbortController();
    const running = view.run(stop.signal);
    await settle();
    api.streams[0]?.emit({ type: "ADDED", object: opted("missed-later", "11") });
    api.streams[0]?.end(new KubeApiError(410, "too old resource version"));
    await settle();
    expect(names(view.workloads())).toEqual(["Deployment/a"]);
    expect(api.listed).toEqual(["Deployment", "Deployment"]);
    expect(errors).toEqual([]);
    api.streams[1]?.end(new KubeApiError(500, "etcd timeout"));
    await settle();
    expect(errors).toEqual(["Deployment: etcd timeout"]);
    // What was held stays until the next LIST succeeds.
    expect(names(view.workloads())).toEqual(["Deployment/a"]);
    stop.abort();
    await running;
  });

  it("says why it has nothing yet when a LIST fails", async () => {
    const view = createWorkloadView({
      kube: {
        listWorkloads: async () => {
          throw new KubeApiError(403, "forbidden");
        },
        watch: async () => {},
      },
      kinds: [deployments],
      resyncMs: 60_000,
      onChange: () => {},
      onError: () => {},
    });
    const stop = new AbortController();
    const running = view.run(stop.signal);
    await settle();
    expect(() => view.workloads()).toThrow("the workloads have not been listed yet (Deployment: forbidden)");
    stop.abort();
    await running;
  });

  it("isOptedIn: any policy but none", () => {
    expect(
      [opted("a"), workload("b"), workload("c", { "headwind.sh/policy": "NONE" })].map(isOptedIn),
    ).toEqual([true, false, false]);
  });
});
