/**
 * What the sidecar watches, from the annotated workloads it LISTed: pure, so every rule is a row in
 * tests/unit/sidecar/runtime/build-interest.test.ts.
 *
 * Every managed container of a workload with a policy other than `none` puts its repository in use:
 * webhooks for it are accepted (and confirmed with these credentials). It is polled only when some
 * workload using it has `event-source` `polling` or `both`; a polled repository then HEADs every
 * digest tag any of its workloads needs, because a poll write replaces the ConfigMap's digests.
 */

import { parseAnnotations, type WorkloadConfig } from "../../core/annotations/parse-annotations.ts";
import { effectiveTag, type ImageRef, parseImageRef, repositoryKey } from "../../core/images/image-ref.ts";
import type { KubeObject } from "../../core/kube-object.ts";
import { annotations } from "../../core/metadata-keys.ts";
import { selectUpdate } from "../../core/policy/select-update.ts";
import type { ObservedTags } from "../../core/tags/tag-configmap.ts";
import { containerImages, podSpecOf } from "../../core/workloads/container-images.ts";
import { isManaged } from "../../core/workloads/is-managed.ts";
import { mergeInterest, type PollInterest, type SecretRef } from "../poller/merge-interest.ts";
import { serviceAccountKey, serviceAccountOf } from "./service-account-of.ts";

export interface InterestInput {
  /** Workloads of every supported kind (apiVersion and kind set), annotated or not. */
  readonly workloads: readonly KubeObject[];
  /** `namespace/name` of a ServiceAccount → its imagePullSecrets' names; absent when it does not exist. */
  readonly serviceAccountPullSecrets: ReadonlyMap<string, readonly string[]>;
  /** The tags each repository's ConfigMap holds now: digest-pinned images follow their candidate tag. */
  readonly observed: ReadonlyMap<string, ObservedTags>;
  /** HEADWIND_POLL_INTERVAL_SECONDS, for workloads without `headwind.sh/polling-interval`. */
  readonly defaultPollingIntervalSeconds: number;
  /** Credential Secrets the operator configured (HEADWIND_REGISTRY_CREDENTIALS), tried last. */
  readonly operatorSecrets: readonly SecretRef[];
}

export interface InterestSet {
  /** The repositories to poll, one entry each (merged), sorted. */
  readonly poll: readonly PollInterest[];
  /** Every repository in use, polled or not → the Secrets that may hold its credentials, in order. */
  readonly repositories: ReadonlyMap<string, readonly SecretRef[]>;
}

interface Use {
  readonly repository: string;
  readonly polled: boolean;
  readonly pollingIntervalSeconds: number;
  readonly digestTags: readonly string[];
  readonly credentialsRefs: readonly SecretRef[];
  readonly creationTimes: boolean;
}

const policyAnnotation = annotations.policy;

function namesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((entry) => (entry as { name?: unknown } | null)?.name)
    .filter((name): name is string => typeof name === "string" && name !== "");
}

/** Pod spec secrets first, then the ServiceAccount's, then the operator's: the order they are tried in. */
function credentialsOf(workload: KubeObject, input: InterestInput): SecretRef[] {
  const namespace = workload.metadata.namespace ?? "";
  const account = serviceAccountOf(workload);
  const fromAccount =
    account === undefined ? [] : (input.serviceAccountPullSecrets.get(serviceAccountKey(account)) ?? []);
  const names = [...new Set([...namesOf(podSpecOf(workload)?.imagePullSecrets), ...fromAccount])];
  return [...names.map((name) => ({ namespace, name })), ...input.operatorSecrets];
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

function usesOf(workload: KubeObject, input: InterestInput): Use[] {
  const annotations = workload.metadata.annotations ?? {};
  if (annotations[policyAnnotation] === undefined) return [];
  const { config } = parseAnnotations(annotations);
  if (config.spec.policy === "none") return [];
  const credentialsRefs = credentialsOf(workload, input);
  const polled = config.eventSource === "polling" || config.eventSource === "both";
  const pollingIntervalSeconds = config.pollingIntervalSeconds ?? input.defaultPollingIntervalSeconds;
  const creationTimes = config.minImageAgeSeconds > 0;
  return containerImages(workload).flatMap((container) => {
    if (!isManaged(config, container.name, container.image)) return [];
    const ref = parseImageRef(container.image);
    if (ref === undefined) return [];
    const repository = repositoryKey(ref);
    const digestTags = digestTagsOf(ref, config, input.observed.get(repository));
    return [{ repository, polled, pollingIntervalSeconds, digestTags, credentialsRefs, creationTimes }];
  });
}

export function buildInterest(input: InterestInput): InterestSet {
  const uses = input.workloads.flatMap((workload) => usesOf(workload, input));
  const polledRepositories = new Set(uses.filter((use) => use.polled).map((use) => use.repository));
  const intervals = new Map<string, number>();
  for (const use of uses) {
    if (!use.polled) continue;
    intervals.set(
      use.repository,
      Math.min(intervals.get(use.repository) ?? use.pollingIntervalSeconds, use.pollingIntervalSeconds),
    );
  }
  const poll = mergeInterest(
    uses
      .filter((use) => polledRepositories.has(use.repository))
      .map(({ repository, digestTags, credentialsRefs, creationTimes }) => ({
        repository,
        // A webhook-only workload adds its digest tags and secrets, never its (absent) interval.
        pollingIntervalSeconds: intervals.get(repository) ?? input.defaultPollingIntervalSeconds,
        digestTags,
        credentialsRefs,
        ...(creationTimes ? { creationTimes } : {}),
      })),
  );
  const repositories = new Map<string, SecretRef[]>();
  for (const item of mergeInterest(uses)) repositories.set(item.repository, [...item.credentialsRefs]);
  return { poll, repositories };
}
