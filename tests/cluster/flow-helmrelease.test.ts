// Flux HelmRelease chart updates with real Metacontroller running hooks/flux: a new chart version
// is proposed under the release's policy, approved with kubectl, spec.chart.spec.version patched
// (guarded, through the Flux component's admission policy), helm-controller's Ready completes it,
// history is written on the release. A source the sidecar could not read is reported on the
// release. No helm-controller runs here: the test reports the release Ready as it would.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { adminConfig, applyObjects, kubeRequest, statusCode } from "../helpers/cluster.ts";
import { useFlows } from "../helpers/flows.ts";
import {
  deleteReleases,
  helmRelease,
  installFlux,
  publishChartVersions,
  readRelease,
  reportReleaseReady,
} from "../helpers/flux-install.ts";
import { hooksServiceAccount } from "../helpers/headwind-install.ts";
import { headwindEvents, kubectlPatchStatus, listUpdateRequests } from "../helpers/headwind-objects.ts";
import { runPlugin } from "../helpers/run-plugin.ts";

beforeAll(async () => {
  await installFlux(adminConfig());
});
const flows = useFlows({}, { optional: ["flux"] });
let namespace: string | undefined;
const admin = () => process.env.KUBECONFIG ?? "";

afterEach(async () => {
  if (namespace !== undefined) await deleteReleases(flows.kc, namespace);
  namespace = undefined;
});

describe("flow: a Flux HelmRelease's chart version", () => {
  it("proposes the newer chart, patches spec.chart.spec.version once approved, completes on Ready, writes history", async () => {
    const flow = await flows.start();
    const { ns } = flow;
    namespace = ns;
    await applyObjects(flows.kc, [helmRelease("web", "6.5.0", { "headwind.sh/policy": "minor" })], {
      namespace: ns,
    });
    const unrecorded = await runPlugin(admin(), ["plan", "hr/web", "-n", ns]);
    expect(unrecorded.stdout).toContain(
      `versions of chart podinfo from HelmRepository ${ns}/charts are not recorded yet`,
    );
    await publishChartVersions(flows.kc, ns, ["6.4.0", "6.5.0", "6.5.1", "6.6.0", "7.0.0"]);

    const pending = await flow.waitForPhase("Pending");
    const plan = await runPlugin(admin(), ["plan", "helmrelease/web", "-n", ns]);
    expect(plan.code).toBe(0);
    expect(
      plan.stdout
        .trim()
        .split("\n")
        .map((line) => line.split(/\s{2,}/)),
    ).toEqual([
      ["CONTAINER", "CURRENT", "POLICY", "PLAN", "DETAIL"],
      ["podinfo", "6.5.0", "minor", "waiting", `${pending.metadata.name} is Pending: 6.6.0`],
    ]);
    const planned = JSON.parse((await runPlugin(admin(), ["plan", "hr/web", "-n", ns, "-o", "json"])).stdout);
    expect(planned).toMatchObject({
      policy: "minor",
      plans: [{ container: "podinfo", image: "6.5.0", plan: { kind: "keep" } }],
    });
    expect(pending.spec).toMatchObject({
      targetRef: { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", name: "web", namespace: ns },
      containerName: "podinfo",
      containerType: "chart",
      updateType: "chart",
      currentImage: "6.5.0",
      newImage: "6.6.0",
    });
    expect(pending.metadata.annotations?.["metacontroller.k8s.io/decorator-controller"]).toBe(
      "headwind-helmreleases",
    );
    expect((await readRelease(flows.kc, ns, "web")).spec.chart.spec.version).toBe("6.5.0");

    await kubectlPatchStatus(ns, pending.metadata.name, { phase: "Approved", approvedBy: "headwind-admin" });
    await flow.waitForPhase("Progressing");
    const patched = await readRelease(flows.kc, ns, "web");
    expect(patched.spec.chart.spec.version).toBe("6.6.0");
    expect(patched.spec.interval).toBe("10m");

    await reportReleaseReady(flows.kc, ns, "web");
    const done = await flow.waitForPhase("Completed");
    await flow.settle();
    expect(flow.phases(done.metadata.name)).toEqual([
      "Pending",
      "Approved",
      "Applying",
      "Progressing",
      "Completed",
    ]);
    const history = JSON.parse(
      (await readRelease(flows.kc, ns, "web")).metadata.annotations?.["headwind.sh/update-history"] ?? "[]",
    );
    expect(history).toEqual([
      {
        container: "podinfo",
        image: "6.6.0",
        previousImage: "6.5.0",
        timestamp: done.status?.completedAt,
        updateRequestName: done.metadata.name,
        approvedBy: "headwind-admin",
      },
    ]);
    expect(flow.hooks.notifications.map((n) => n.event)).toEqual([
      "update_request_created",
      "update_approved",
      "update_completed",
    ]);
    const onRelease = (await headwindEvents(flows.kc, ns)).filter((e) => e.regarding.kind === "HelmRelease");
    expect(onRelease.map((e) => e.reason)).toContain("UpdateCompleted");
    expect(await flow.problems()).toEqual([]);
  });

  it("a source the sidecar cannot read is reported on the release; the hooks token may change nothing but the version", async () => {
    const flow = await flows.start();
    const { ns } = flow;
    namespace = ns;
    await applyObjects(flows.kc, [helmRelease("web", "6.5.0", { "headwind.sh/policy": "patch" })], {
      namespace: ns,
    });
    await publishChartVersions(flows.kc, ns, ["6.5.0"], {
      "headwind.sh/poll-error": "unauthorized: Secret shop/charts-auth not found",
    });
    await flow.settle();
    const release = await readRelease(flows.kc, ns, "web");
    expect(JSON.parse(release.metadata.annotations?.["headwind.sh/errors"] ?? "[]")).toEqual([
      "podinfo: unauthorized: Secret shop/charts-auth not found",
    ]);
    const warnings = (await headwindEvents(flows.kc, ns)).filter((e) => e.reason === "HeadwindSourceError");
    expect(warnings.map((e) => `${e.regarding.kind} ${e.note}`)).toEqual([
      "HelmRelease podinfo: unauthorized: Secret shop/charts-auth not found",
    ]);
    expect(await listUpdateRequests(flows.kc, ns)).toEqual([]);
    const plan = await runPlugin(admin(), ["plan", "hr/web", "-n", ns]);
    expect(plan.stdout).toContain(
      "the sidecar's last read failed: unauthorized: Secret shop/charts-auth not found",
    );

    const asHooks = await hooksServiceAccount(flows.kc);
    const path = `/apis/helm.toolkit.fluxcd.io/v2/namespaces/${ns}/helmreleases/web`;
    const refused = await kubeRequest(
      asHooks,
      "PATCH",
      path,
      [{ op: "replace", path: "/spec/interval", value: "1m" }],
      "application/json-patch+json",
    ).then(
      () => "allowed",
      (error: unknown) => `${statusCode(error)} ${(error as Error).message}`,
    );
    expect(refused).toMatch(
      /^403 .*may change nothing in a HelmRelease's spec but spec\.chart\.spec\.version/s,
    );
    await kubeRequest(
      asHooks,
      "PATCH",
      path,
      [{ op: "replace", path: "/spec/chart/spec/version", value: "6.5.1" }],
      "application/json-patch+json",
    );
    expect((await readRelease(flows.kc, ns, "web")).spec.chart.spec.version).toBe("6.5.1");
  });
});
