import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import type { TagReader } from "../../../../src/core/policy/read-repository-tags.ts";
import { buildTagConfigMap } from "../../../../src/core/tags/tag-configmap.ts";
import { createTagCache } from "../../../../src/hooks-server/workloads/create-tag-cache.ts";

type ConfigMapObject = KubeObject & { data: Record<string, string> };

function configMap(
  uid: string | undefined,
  resourceVersion: string | undefined,
  tags: string[],
): ConfigMapObject {
  const built = buildTagConfigMap({ repository: `r.io/${uid ?? "x"}`, tags, digests: {} }, "headwind");
  // A fresh copy each time, as a new hook request body would carry.
  return JSON.parse(JSON.stringify({ ...built, metadata: { ...built.metadata, uid, resourceVersion } }));
}

function read(reader: TagReader, object: KubeObject) {
  const result = reader(object);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe("createTagCache", () => {
  it("reads a ConfigMap content once and hands back the same index after", () => {
    const cache = createTagCache();
    const first = read(cache, configMap("a", "1", ["1.0", "1.1"]));
    const again = read(cache, configMap("a", "1", ["1.0", "1.1"]));
    expect(again).toBe(first);
    expect(again.observed.tags).toEqual(["1.0", "1.1"]);
  });

  it("reads again when the resourceVersion moves", () => {
    const cache = createTagCache();
    const first = read(cache, configMap("a", "1", ["1.0"]));
    const next = read(cache, configMap("a", "2", ["1.0", "2.0"]));
    expect(next).not.toBe(first);
    expect(next.observed.tags).toEqual(["1.0", "2.0"]);
  });

  it("never trusts a resourceVersion over the data it was read from", () => {
    const cache = createTagCache();
    read(cache, configMap("a", "1", ["1.0"]));
    const forged = read(cache, configMap("a", "1", ["1.0", "9.9"]));
    expect(forged.observed.tags).toEqual(["1.0", "9.9"]);
  });

  it("does not keep what it cannot key, nor what it could not read", () => {
    const cache = createTagCache();
    const unkeyed = configMap(undefined, "1", ["1.0"]);
    expect(read(cache, unkeyed)).not.toBe(read(cache, unkeyed));
    const broken: ConfigMapObject = { ...configMap("b", "1", []), data: { format: "v0" } };
    expect(cache(broken)).toEqual({ ok: false, error: "unknown tag ConfigMap format v0" });
    const mended: ConfigMapObject = { ...broken, data: configMap("b", "1", ["2.0"]).data };
    expect(cache(mended)).toMatchObject({
      ok: true,
      value: { observed: { tags: ["2.0"] } },
    });
  });

  it("keeps at most maxEntries ConfigMaps, dropping the least recently used", () => {
    const cache = createTagCache({ maxEntries: 2, maxTags: 1_000 });
    const a = read(cache, configMap("a", "1", ["1.0"]));
    const b = read(cache, configMap("b", "1", ["1.0"]));
    expect(read(cache, configMap("a", "1", ["1.0"]))).toBe(a);
    read(cache, configMap("c", "1", ["1.0"]));
    expect(read(cache, configMap("a", "1", ["1.0"]))).toBe(a);
    expect(read(cache, configMap("b", "1", ["1.0"]))).not.toBe(b);
  });

  it("keeps at most maxTags tags in all", () => {
    const cache = createTagCache({ maxEntries: 100, maxTags: 10 });
    const tags = Array.from({ length: 6 }, (_, i) => `1.${i}`);
    const a = read(cache, configMap("a", "1", tags));
    read(cache, configMap("b", "1", tags));
    expect(read(cache, configMap("a", "1", tags))).not.toBe(a);
    const huge = Array.from({ length: 20 }, (_, i) => `2.${i}`);
    const h = read(cache, configMap("h", "1", huge));
    expect(read(cache, configMap("h", "1", huge))).not.toBe(h);
  });
});
