/**
 * What the sidecar watches, from the annotated workloads it LISTed: pure, so every rule is a row in
 * tests/unit/sidecar/runtime/build-interest.test.ts.
 *
 * Every managed container of a workload with a policy other than `none` puts its repository in use
 * by the workload's namespace: webhooks for it are accepted (and confirmed with that namespace's
 * credentials). It is polled only when some workload using it has `event-source` `polling` or
 * `both`; a polled repository then HEADs every digest tag any of its workloads needs, because a poll
 * write replaces the ConfigMap's digests. Each namespace's own pull secrets stay with that
 * namespace: they are never merged with another's (credentials never cross namespaces).
 */

import { parseAnnotations, type WorkloadConfig } from "../../core/annotations/parse-annotations.ts";
import { effectiveTag, type ImageRef, parseImageRef, repositoryKey } from "../../core/images/image-ref.ts";
import type { KubeObject } from "../../core/kube-object.ts";
import { annotations } from "../../core/metadata-keys.ts";
import { selectUpdate } from "../../core/policy/select-update.ts";
import type { ObservedTags } from "../../core/tags/tag-configmap.ts";
import { visibleTags } from "../../core/tags/visible-tags.ts";
import { containerImages, podSpecOf } from "../../core/workloads/container-images.ts";
import { isManaged } from "../../core/workloads/is-managed.ts";
import {
  mergeInterest,
  type NamespaceUse,
  type PollInterest,
  type SecretRef,
} from "../poller/merge-interest.ts";
import { serviceAccountKey, serviceAccountOf } from "./service-account-of.ts";

export interface InterestInput {
  /** Workloads of every supported kind (apiVersion and kind set), annotated or not. */
  readonly workloads: readonly KubeObject[];
  /** `namespace/name` of a ServiceAccount → its imagePullSecrets' names; absent when it does not exist. */
  readonly serviceAccountPullSecrets: ReadonlyMap<string, readonly string[]>;
  /** What the tag ConfigMaps hold now, every scope: digest-pinned images follow their candidate tag. */
  readonly observed: readonly ObservedTags[];
  /** HEADWIND_POLL_INTERVAL_SECONDS, for workloads without `headwind.sh/polling-interval`. */
  readonly defaultPollingIntervalSeconds: number;
}

export interface InterestSet {
  /** The repositories to poll, one entry each (merged), sorted. */
  readonly poll: readonly PollInterest[];
  /** Every repository in use, polled or not → its uses, one per namespace. */
  readonly repositories: ReadonlyMap<string, readonly NamespaceUse[]>;
}

interface Use extends NamespaceUse {
  readonly repository: string;
  readonly polled: boolean;
  readonly pollingIntervalSeconds: number;
  readonly creationTimes: boolean;
}

const policyAnnotation = annotations.policy;

function namesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((entry) => (entry as { name?: unknown } | null)?.name)
    .filter((name): name is string => typeof name === "string" && name !== "");
}

/** Pod spec secrets first, then the ServiceAccount's: the order the kubelet tries them in. */
function pullSecretsOf(workload: KubeObject, input: InterestInput): SecretRef[] {
  const namespace = workload.metadata.namespace ?? "";
  const account = serviceAccountOf(workload);
  const fromAccount =
    account === undefined ? [] : (input.serviceAccountPullSecrets.get(serviceAccountKey(account)) ?? []);
  const names = [...new Set([...namesOf(podSpecOf(workload)?.imagePullSecrets), ...fromAccount])];
  return names.map((name) => ({ namespace, name }));
}

/**
 * `digest` follows the tag the container runs. A digest-pinned image follows its candidate tag:
 * asked with no digests known, `selectUpdate` answers `waiting` with exactly that tag — asking with
 * the known digests would stop tracking it once learnt, and the next poll would drop it again.
 */
function digestTagsOf(ref: ImageRef, config: WorkloadConfig, observed: ObservedTags | undefined): string[] {
  if (config.spec.policy === "digest") {
    const tag = effectiveTag(ref);
    return tag === undefined ? [] : [tag];
  }
  if (ref.digest === undefined || observed === undefined) return [];
  const selection = selectUpdate(ref, config.spec, { ...observed, digests: {} });
  return selection.kind === "waiting" ? [selection.tag] : [];
}

function usesOf(
  workload: KubeObject,
  input: InterestInput,
  visible: (namespace: string) => ReadonlyMap<string, ObservedTags>,
): Use[] {
  const annotations = workload.metadata.annotations ?? {};
  const namespace = workload.metadata.namespace;
  if (annotations[policyAnnotation] === undefined || namespace === undefined) return [];
  const { config } = parseAnnotations(annotations);
  if (config.spec.policy === "none") return [];
  const pullSecrets = pullSecretsOf(workload, input);
  const polled = config.eventSource === "polling" || config.eventSource === "both";
  const pollingIntervalSeconds = config.pollingIntervalSeconds ?? input.defaultPollingIntervalSeconds;
  const creationTimes = config.minImageAgeSeconds > 0;
  return containerImages(workload).flatMap((container) => {
    if (!isManaged(config, container.name, container.image)) return [];
    const ref = parseImageRef(container.image);
    if (ref === undefined) return [];
    const repository = repositoryKey(ref);
    const digestTags = digestTagsOf(ref, config, visible(namespace).get(repository));
    return [
      { repository, namespace, polled, pollingIntervalSeconds, digestTags, pullSecrets, creationTimes },
    ];
  });
}

export function buildInterest(input: InterestInput): InterestSet {
  const visibleByNamespace = new Map<string, ReadonlyMap<string, ObservedTags>>();
  const visible = (namespace: string) => {
    const seen =
      visibleByNamespace.get(namespace) ?? visibleTags(input.observed, namespace, (observed) => observed);
    visibleByNamespace.set(namespace, seen);
    return seen;
  };
  const uses = input.workloads.flatMap((workload) => usesOf(workload, input, visible));
  const intervals = new Map<string, number>();
  for (const use of uses) {
    if (!use.polled) continue;
    const seen = intervals.get(use.repository) ?? use.pollingIntervalSeconds;
    intervals.set(use.repository, Math.min(seen, use.pollingIntervalSeconds));
  }
  const interest = (use: Use): PollInterest => ({
    repository: use.repository,
    // A webhook-only workload adds its digest tags and secrets, never its (absent) interval.
    pollingIntervalSeconds: intervals.get(use.repository) ?? input.defaultPollingIntervalSeconds,
    uses: [{ namespace: use.namespace, pullSecrets: use.pullSecrets, digestTags: use.digestTags }],
    ...(use.creationTimes ? { creationTimes: true } : {}),
  });
  const all = mergeInterest(uses.map(interest));
  return {
    poll: all.filter((item) => intervals.has(item.repository)),
    repositories: new Map(all.map((item) => [item.repository, item.uses])),
  };
}
