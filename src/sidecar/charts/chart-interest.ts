/**
 * Which chart sources to poll, from the annotated HelmReleases and the Flux source objects they
 * name: pure, so every rule is a row in tests/unit/sidecar/charts/chart-interest.test.ts. One entry
 * per ConfigMap key; a source Headwind cannot read is an entry too, so the reason reaches the
 * releases that use it (and only them).
 */
import { parseAnnotations } from "../../core/annotations/parse-annotations.ts";
import {
  chartSourceKey,
  isExactVersion,
  releaseChart,
  type SourceRef,
} from "../../core/charts/helm-release.ts";
import { parseImageRef, repositoryKey } from "../../core/images/image-ref.ts";
import type { KubeObject } from "../../core/kube-object.ts";
import type { SecretRef } from "../poller/merge-interest.ts";

export type ChartSource =
  /** A Helm HTTP(S) repository: the chart's versions are in `<url>/index.yaml`. */
  | {
      readonly kind: "http";
      readonly url: string;
      readonly chart: string;
      readonly secret: SecretRef | undefined;
    }
  /** An OCI repository (`registry/path/chart`): the chart's versions are its tags. */
  | { readonly kind: "oci"; readonly repository: string; readonly secret: SecretRef | undefined }
  | { readonly kind: "unsupported"; readonly reason: string };

export interface ChartInterest {
  /** The ConfigMap key (`chartSourceKey`). */
  readonly key: string;
  /**
   * The credential scope of its ConfigMap: the namespace of the Secret the source is read with
   * (the source's own), so only releases of that namespace see what it read — credentials never
   * cross namespaces. Undefined (the shared scope) for a source read anonymously.
   */
  readonly namespace: string | undefined;
  readonly source: ChartSource;
  readonly pollingIntervalSeconds: number;
  /** Some release has `headwind.sh/min-image-age`. */
  readonly creationTimes: boolean;
}

export const sourceKey = (ref: SourceRef): string => `${ref.kind}/${ref.namespace}/${ref.name}`;
const readable = new Set(["HelmRepository", "OCIRepository"]);

interface Use {
  readonly key: string;
  readonly ref: SourceRef;
  readonly chart: string | undefined;
  readonly pollingIntervalSeconds: number;
  readonly creationTimes: boolean;
}

function useOf(release: KubeObject, defaultPollingIntervalSeconds: number): Use | undefined {
  const { config } = parseAnnotations(release.metadata.annotations);
  if (config.spec.policy === "none" || config.eventSource === "none" || config.eventSource === "webhook")
    return undefined;
  const chart = releaseChart(release);
  if (chart.via === "invalid") return undefined;
  // A version range is Flux's to follow: nothing for Headwind to propose, nothing to poll.
  if (chart.via === "chart" && !isExactVersion(chart.version)) return undefined;
  return {
    key: chartSourceKey(chart),
    ref: chart.source,
    chart: chart.via === "chart" ? chart.chart : undefined,
    pollingIntervalSeconds: config.pollingIntervalSeconds ?? defaultPollingIntervalSeconds,
    creationTimes: config.minImageAgeSeconds > 0,
  };
}

/** The source objects to GET (HelmRepository and OCIRepository only), once each. */
export function sourcesToRead(
  releases: readonly KubeObject[],
  defaultPollingIntervalSeconds: number,
): SourceRef[] {
  const refs = new Map<string, SourceRef>();
  for (const release of releases) {
    const use = useOf(release, defaultPollingIntervalSeconds);
    if (use !== undefined && readable.has(use.ref.kind)) refs.set(sourceKey(use.ref), use.ref);
  }
  return [...refs.values()];
}

const str = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** `oci://host/path` → the normalised `host/path` repository key. */
function ociRepository(url: string, ...more: string[]): string | undefined {
  if (!url.startsWith("oci://")) return undefined;
  const ref = parseImageRef([url.slice("oci://".length).replace(/\/+$/, ""), ...more].join("/"));
  return ref === undefined ? undefined : repositoryKey(ref);
}

function resolve(use: Use, object: KubeObject | undefined): ChartSource {
  const where = `${use.ref.kind} ${use.ref.namespace}/${use.ref.name}`;
  if (!readable.has(use.ref.kind))
    return { kind: "unsupported", reason: `a ${use.ref.kind} source has no chart versions to follow` };
  if (object === undefined)
    return { kind: "unsupported", reason: `${where} not found (or not readable by the sidecar)` };
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const url = str(spec.url) ?? "";
  const secretName = str((spec.secretRef as { name?: unknown } | undefined)?.name);
  const secret = secretName === undefined ? undefined : { namespace: use.ref.namespace, name: secretName };
  const provider = str(spec.provider) ?? "generic";
  if (provider !== "generic")
    return {
      kind: "unsupported",
      reason: `${where}: provider ${provider} (cloud identity) is not supported`,
    };
  const oci = use.ref.kind === "OCIRepository" || spec.type === "oci";
  if (oci) {
    const repository = use.chart === undefined ? ociRepository(url) : ociRepository(url, use.chart);
    return repository === undefined
      ? { kind: "unsupported", reason: `${where}: ${JSON.stringify(url)} is not an oci:// repository` }
      : { kind: "oci", repository, secret };
  }
  if (!/^https?:\/\//.test(url) || use.chart === undefined)
    return {
      kind: "unsupported",
      reason: `${where}: ${JSON.stringify(url)} is not an http(s) chart repository`,
    };
  return { kind: "http", url, chart: use.chart, secret };
}

export function buildChartInterest(
  releases: readonly KubeObject[],
  sources: ReadonlyMap<string, KubeObject | undefined>,
  defaultPollingIntervalSeconds: number,
): ChartInterest[] {
  const byKey = new Map<string, ChartInterest>();
  for (const release of releases) {
    const use = useOf(release, defaultPollingIntervalSeconds);
    if (use === undefined) continue;
    const seen = byKey.get(use.key);
    const source = seen?.source ?? resolve(use, sources.get(sourceKey(use.ref)));
    byKey.set(use.key, {
      key: use.key,
      namespace: source.kind === "unsupported" ? undefined : source.secret?.namespace,
      source,
      pollingIntervalSeconds: Math.min(
        seen?.pollingIntervalSeconds ?? use.pollingIntervalSeconds,
        use.pollingIntervalSeconds,
      ),
      creationTimes: (seen?.creationTimes ?? false) || use.creationTimes,
    });
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}
