import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/core/kube-object.ts";
import { timingNotes } from "../../../src/plugin/timing-notes.ts";

// A Wednesday, 13:00 in Berlin.
const now = Date.parse("2026-11-25T12:00:00Z");

function deployment(
  annotations: Record<string, string> = {},
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", annotations, labels },
  };
}

const flux = {
  "kustomize.toolkit.fluxcd.io/name": "apps",
  "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
};

describe("timingNotes", () => {
  it.each<[string, KubeObject, string[]]>([
    ["a plain workload: nothing to add", deployment(), []],
    [
      "a Flux-applied workload: proposed, not patched",
      deployment({}, flux),
      [
        "applied by Flux Kustomization flux-system/apps: updates are proposed, not patched; change the image in Git",
      ],
    ],
    [
      "a Flux-applied HelmRelease: its chart version is what to change",
      { ...deployment({}, flux), apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease" },
      [
        "applied by Flux Kustomization flux-system/apps: updates are proposed, not patched; change the chart version in Git",
      ],
    ],
    [
      "gitops: patch: patched anyway",
      deployment({ "headwind.sh/gitops": "patch" }, flux),
      [
        "applied by Flux Kustomization flux-system/apps: updates are patched anyway (headwind.sh/gitops: patch); change Git too",
      ],
    ],
    [
      "outside its update window: until when",
      deployment({ "headwind.sh/update-window": "Mon-Fri 02:00-04:00 Europe/Berlin" }),
      ["outside headwind.sh/update-window: approved updates wait until 2026-11-26T01:00:00.000Z"],
    ],
    [
      "inside its update window: nothing",
      deployment({ "headwind.sh/update-window": "Wed 12:00-14:00 Europe/Berlin" }),
      [],
    ],
  ])("%s", (_what, workload, notes) => {
    expect(timingNotes(workload, now)).toEqual(notes);
  });
});
