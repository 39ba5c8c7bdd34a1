/**
 * The chart side of the interest LIST: annotated HelmReleases (cluster-wide, page by page) and the
 * Flux source each names (one GET per source). Without Flux's CRDs, or without the Flux component's
 * RBAC, there is simply nothing to follow: a 404 or 403 on the HelmRelease LIST means no charts.
 * A source the sidecar may not read (403) is that source's error, reported on its releases.
 */
import type { KubeObject } from "../../core/kube-object.ts";
import { helmReleaseKind } from "../../core/workloads/workload-kinds.ts";
import { kubeStatus } from "../../kube/kube-api-error.ts";
import { listAllPages } from "../../kube/list-pages.ts";
import {
  buildChartInterest,
  type ChartInterest,
  sourceKey,
  sourcesToRead,
} from "../charts/chart-interest.ts";
import { createKeyedLimiter } from "../poller/create-keyed-limiter.ts";
import type { FluxSourceKind, SidecarKube } from "./sidecar-kube.ts";

const policyAnnotation = "headwind.sh/policy";

function isOptedIn(release: KubeObject): boolean {
  const policy = release.metadata.annotations?.[policyAnnotation];
  return policy !== undefined && policy.trim().toLowerCase() !== "none";
}

export async function loadChartInterest(
  kube: Pick<SidecarKube, "listWorkloads" | "getFluxSource">,
  defaultPollingIntervalSeconds: number,
  pageSize = 500,
): Promise<ChartInterest[]> {
  let releases: KubeObject[];
  try {
    releases = await listAllPages(async (request) => {
      const page = await kube.listWorkloads(helmReleaseKind, request);
      return { ...page, items: page.items.filter(isOptedIn) };
    }, pageSize);
  } catch (error) {
    const status = kubeStatus(error);
    if (status === 404 || status === 403) return [];
    throw error;
  }
  const limit = createKeyedLimiter(8);
  const sources = new Map<string, KubeObject | undefined>();
  await Promise.all(
    sourcesToRead(releases, defaultPollingIntervalSeconds).map((ref) =>
      limit("sources", async () => {
        try {
          sources.set(
            sourceKey(ref),
            await kube.getFluxSource(ref.kind as FluxSourceKind, ref.namespace, ref.name),
          );
        } catch (error) {
          if (kubeStatus(error) !== 403) throw error;
          sources.set(sourceKey(ref), undefined);
        }
      }),
    ),
  );
  return buildChartInterest(releases, sources, defaultPollingIntervalSeconds);
}
