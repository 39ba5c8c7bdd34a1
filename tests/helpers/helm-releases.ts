/** A Flux HelmRelease (helm.toolkit.fluxcd.io/v2) as Headwind reads it. */
import type { KubeObject } from "../../src/core/kube-object.ts";

export function aHelmRelease(
  version: string,
  options: {
    annotations?: Record<string, string>;
    sourceKind?: string;
    sourceNamespace?: string;
    chart?: string;
    status?: Record<string, unknown>;
    generation?: number;
  } = {},
): KubeObject {
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: {
      name: "web",
      namespace: "shop",
      uid: "hr-1",
      generation: options.generation ?? 3,
      annotations: { "headwind.sh/policy": "minor", ...options.annotations },
    },
    spec: {
      interval: "10m",
      chart: {
        spec: {
          chart: options.chart ?? "podinfo",
          version,
          sourceRef: {
            kind: options.sourceKind ?? "HelmRepository",
            name: "charts",
            ...(options.sourceNamespace ? { namespace: options.sourceNamespace } : {}),
          },
        },
      },
    },
    ...(options.status ? { status: options.status } : {}),
  };
}
