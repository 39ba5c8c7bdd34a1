/**
 * What the poller watches: one entry per repository, however many workloads use it, holding one
 * use per namespace — because credentials never cross namespaces, each namespace's own pull
 * secrets are kept apart, and the credential scopes are worked out from them at poll time
 * (docs/design/architecture.md, The sidecar).
 */

/** An imagePullSecret a workload names; the Kubernetes side loads its `.dockerconfigjson`. */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

/** How the workloads of one namespace use a repository. */
export interface NamespaceUse {
  readonly namespace: string;
  /** That namespace's own pull Secrets (pod specs', then ServiceAccounts'), in the order tried. */
  readonly pullSecrets: readonly SecretRef[];
  /** Tags whose digest is tracked (mutable tags such as `latest`); each costs one HEAD per poll. */
  readonly digestTags: readonly string[];
}

export interface PollInterest {
  /** Normalised `registry/repository` key (`repositoryKey` of the image reference). */
  readonly repository: string;
  readonly pollingIntervalSeconds: number;
  /** One per namespace, sorted by namespace. */
  readonly uses: readonly NamespaceUse[];
  /** Some workload has `headwind.sh/min-image-age`: new tags' creation times are worth reading. */
  readonly creationTimes?: boolean;
}

const refKey = (ref: SecretRef) => `${ref.namespace}/${ref.name}`;
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function mergeUse(a: NamespaceUse, b: NamespaceUse): NamespaceUse {
  const refs = new Map([...a.pullSecrets, ...b.pullSecrets].map((ref) => [refKey(ref), ref]));
  return {
    namespace: a.namespace,
    pullSecrets: [...refs.values()],
    digestTags: [...new Set([...a.digestTags, ...b.digestTags])].sort(),
  };
}

/** Uses merged per namespace (secrets keep first-seen order, digest tags are unioned), sorted. */
export function mergeUses(uses: readonly NamespaceUse[]): NamespaceUse[] {
  const merged = new Map<string, NamespaceUse>();
  for (const use of uses) {
    const seen = merged.get(use.namespace);
    merged.set(
      use.namespace,
      seen === undefined ? mergeUse({ ...use, pullSecrets: [], digestTags: [] }, use) : mergeUse(seen, use),
    );
  }
  return [...merged.values()].sort((a, b) => byName(a.namespace, b.namespace));
}

/**
 * Merges per-workload interest: the shortest interval wins, uses are merged per namespace.
 * Output is sorted by repository, so it is deterministic.
 */
export function mergeInterest(entries: readonly PollInterest[]): PollInterest[] {
  const merged = new Map<string, { interval: number; uses: NamespaceUse[]; creationTimes: boolean }>();
  for (const entry of entries) {
    const seen = merged.get(entry.repository);
    const creationTimes = entry.creationTimes === true;
    if (seen === undefined)
      merged.set(entry.repository, {
        interval: entry.pollingIntervalSeconds,
        uses: [...entry.uses],
        creationTimes,
      });
    else {
      seen.interval = Math.min(seen.interval, entry.pollingIntervalSeconds);
      seen.uses.push(...entry.uses);
      seen.creationTimes ||= creationTimes;
    }
  }
  return [...merged]
    .map(([repository, { interval, uses, creationTimes }]) => ({
      repository,
      pollingIntervalSeconds: interval,
      uses: mergeUses(uses),
      ...(creationTimes ? { creationTimes } : {}),
    }))
    .sort((a, b) => byName(a.repository, b.repository));
}
