/**
 * The tag ConfigMap: one per repository and credential scope, in Headwind's namespace. The
 * registry sidecar writes it, the workloads hook reads it as a related object. Versioned by
 * `data.format`; a reader refuses a format it does not know rather than guessing.
 *
 * A repository read anonymously (or with credentials the operator configured for everyone) has one
 * shared ConfigMap. One read with a namespace's own pull secrets has a ConfigMap of that namespace's
 * scope (`data.namespace`), which only workloads of that namespace may use (see `visibleTags`).
 */
import { createHash } from "node:crypto";
import { annotations, labels } from "../metadata-keys.ts";
import { isValidDigest, isValidTag } from "./tag-grammar.ts";
import { encodeTagTimes, parseTagTimes, type TagTimes, tagTimesKey } from "./tag-times.ts";

export const tagsFormat = "headwind.sh/tags/v1";
export const tagsLabel = labels.tags;
/** On scoped ConfigMaps: the namespace whose pull secrets read them (`kubectl get cm -l`). */
export const tagsNamespaceLabel = labels.tagsNamespace;
/** ConfigMaps are capped at 1 MiB; this leaves room for metadata and managed fields. */
export const maxDataBytes = 900 * 1024;
const alwaysDropFirst = [/^sha256-/, /\.sig$/, /\.att$/, /\.sbom$/];

export interface ObservedTags {
  /** Normalised `registry/repository`, e.g. `docker.io/library/nginx`. */
  readonly repository: string;
  /**
   * The namespace whose own pull secrets read these tags: only its workloads may see them.
   * Undefined for the shared scope (anonymous, or credentials the operator set for everyone).
   */
  readonly namespace?: string | undefined;
  readonly tags: readonly string[];
  /** Digests known for some tags (pushed by webhook or fetched for digest-tracked tags). */
  readonly digests: Readonly<Record<string, string>>;
  /** True when tags were left out to stay under the size cap. */
  readonly truncated: boolean;
  /** When tags came into existence (`data.times`); absent from ConfigMaps written before it existed. */
  readonly times?: TagTimes | undefined;
}

export interface TagConfigMap {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  data: Record<string, string>;
}

/**
 * Deterministic, always-valid (DNS-1123, <= 63 chars) name for a repository's ConfigMap in one
 * scope. The name only locates it: readers judge a ConfigMap by its data, never by its name.
 * 64 bits of hash keep a tenant from searching out a repository whose name hits another's.
 */
export function tagConfigMapName(repository: string, namespace?: string): string {
  // A newline appears in no repository key or namespace, so the two inputs cannot run together.
  const scoped = namespace === undefined ? repository : `${repository}\n${namespace}`;
  const hash = createHash("sha256").update(scoped).digest("hex").slice(0, 16);
  const slug = repository
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `tags-${slug}-${hash}`;
}

export const byVersionDescending = (a: string, b: string): number =>
  b.localeCompare(a, "en", { numeric: true });

type Encodable = Pick<ObservedTags, "repository" | "namespace" | "times">;

function encode(
  { repository, namespace, times }: Encodable,
  tags: readonly string[],
  digests: Readonly<Record<string, string>>,
): Record<string, string> {
  const present = new Set(tags);
  const kept = Object.fromEntries(
    Object.entries(digests)
      .filter(([tag]) => present.has(tag))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return {
    format: tagsFormat,
    repository,
    ...(namespace === undefined ? {} : { namespace }),
    tags: [...tags].sort().join("\n"),
    digests: JSON.stringify(kept),
    ...(times === undefined ? {} : { [tagTimesKey]: encodeTagTimes(times, tags) }),
  };
}

function dataSize(data: Record<string, string>): number {
  return Object.entries(data).reduce((sum, [k, v]) => sum + k.length + Buffer.byteLength(v), 0);
}

/** Only grammatical tags and digests are stored: a newline must never split the `tags` list. */
function validDigests(digests: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(digests).filter(([tag, digest]) => isValidTag(tag) && isValidDigest(digest)),
  );
}

/**
 * Builds the ConfigMap data, bounded in size: signature/attestation tags go first, then the
 * lowest versions (numeric collation), so the tags a policy would pick survive. Tags and digests
 * outside the OCI grammar are left out (the sidecar drops and counts them before this).
 */
export function encodeTagData(observed: Omit<ObservedTags, "truncated">): Record<string, string> {
  const unique = [...new Set(observed.tags)].filter(isValidTag);
  const digests = validDigests(observed.digests);
  let data = encode(observed, unique, digests);
  if (dataSize(data) <= maxDataBytes) return data;
  const ranked = unique
    .filter((tag) => !alwaysDropFirst.some((pattern) => pattern.test(tag)))
    .sort(byVersionDescending);
  let low = 0;
  let high = ranked.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (dataSize(encode(observed, ranked.slice(0, mid), digests)) <= maxDataBytes) low = mid;
    else high = mid - 1;
  }
  data = encode(observed, ranked.slice(0, low), digests);
  return { ...data, truncated: "true" };
}

export function buildTagConfigMap(
  observed: Omit<ObservedTags, "truncated">,
  namespace: string,
): TagConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: tagConfigMapName(observed.repository, observed.namespace),
      namespace,
      labels: {
        [tagsLabel]: "v1",
        "app.kubernetes.io/managed-by": "headwind",
        ...(observed.namespace === undefined ? {} : { [tagsNamespaceLabel]: observed.namespace }),
      },
      annotations: { [annotations.repository]: observed.repository },
    },
    data: encodeTagData(observed),
  };
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string")
  );
}

/** `dropped` counts tags and digests that broke the OCI grammar and were left out. */
export type ParsedTags = { ok: true; value: ObservedTags; dropped: number } | { ok: false; error: string };

/**
 * Reads a tag ConfigMap (as Metacontroller sends it); any doubt about the format is an error, never
 * a guess. Each tag and digest is checked again: whoever could write the ConfigMap could also
 * write a 100 KB "tag", and the writer's own checks are not this reader's guarantee.
 */
export function parseTagConfigMap(object: unknown): ParsedTags {
  const data = (object as { data?: unknown } | null)?.data;
  if (!isStringRecord(data)) return { ok: false, error: "tag ConfigMap has no string data" };
  if (data.format !== tagsFormat)
    return { ok: false, error: `unknown tag ConfigMap format ${String(data.format)}` };
  if (!data.repository) return { ok: false, error: "tag ConfigMap names no repository" };
  let digests: unknown;
  try {
    digests = JSON.parse(data.digests ?? "{}");
  } catch {
    return { ok: false, error: "tag ConfigMap digests are not JSON" };
  }
  if (!isStringRecord(digests)) return { ok: false, error: "tag ConfigMap digests are not a string map" };
  const lines = (data.tags ?? "").split("\n").filter((tag) => tag.length > 0);
  const tags = lines.filter(isValidTag);
  const entries = Object.entries(digests);
  const valid = entries.filter(([tag, digest]) => isValidTag(tag) && isValidDigest(digest));
  const times = parseTagTimes(data[tagTimesKey]);
  return {
    ok: true,
    value: {
      repository: data.repository,
      ...(data.namespace === undefined ? {} : { namespace: data.namespace }),
      tags,
      digests: Object.fromEntries(valid),
      truncated: data.truncated === "true",
      ...(times === undefined ? {} : { times }),
    },
    dropped: lines.length - tags.length + entries.length - valid.length,
  };
}
