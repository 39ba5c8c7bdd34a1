/**
 * What the poller watches: one entry per repository, however many workloads use it, so each
 * repository costs one listing per interval (docs/design/architecture.md, The sidecar).
 */

/** An imagePullSecret a workload names; the Kubernetes side loads its `.dockerconfigjson`. */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

export interface PollInterest {
  /** Normalised `registry/repository` key (`repositoryKey` of the image reference). */
  readonly repository: string;
  readonly pollingIntervalSeconds: number;
  /** Tags whose digest is tracked (mutable tags such as `latest`); each costs one HEAD per poll. */
  readonly digestTags: readonly string[];
  /** Pull secrets that may hold credentials for the registry, in the workloads' order. */
  readonly credentialsRefs: readonly SecretRef[];
  /** Some workload has `headwind.sh/min-image-age`: new tags' creation times are worth reading. */
  readonly creationTimes?: boolean;
}

const refKey = (ref: SecretRef) => `${ref.namespace}/${ref.name}`;

function mergeTwo(a: PollInterest, b: PollInterest): PollInterest {
  const refs = new Map([...a.credentialsRefs, ...b.credentialsRefs].map((ref) => [refKey(ref), ref]));
  return {
    repository: a.repository,
    pollingIntervalSeconds: Math.min(a.pollingIntervalSeconds, b.pollingIntervalSeconds),
    digestTags: [...new Set([...a.digestTags, ...b.digestTags])].sort(),
    credentialsRefs: [...refs.values()],
    ...(a.creationTimes || b.creationTimes ? { creationTimes: true } : {}),
  };
}

/**
 * Merges per-workload interest: the shortest interval wins, digest tags and pull secrets are
 * unioned (secrets keep first-seen order). Output is sorted by repository, so it is deterministic.
 */
export function mergeInterest(entries: readonly PollInterest[]): PollInterest[] {
  const merged = new Map<string, PollInterest>();
  for (const entry of entries) {
    const seen = merged.get(entry.repository);
    merged.set(entry.repository, mergeTwo(seen ?? { ...entry, digestTags: [], credentialsRefs: [] }, entry));
  }
  return [...merged.values()].sort((a, b) =>
    a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : 0,
  );
}
