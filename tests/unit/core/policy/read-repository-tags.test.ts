import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import { readRepositoryTags } from "../../../../src/core/policy/read-repository-tags.ts";
import { parseVersionTag } from "../../../../src/core/policy/version-tag.ts";
import { tagsFormat } from "../../../../src/core/tags/tag-configmap.ts";

const configMap = (data: Record<string, string>) =>
  ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "tags-x", namespace: "headwind" },
    data,
  }) as KubeObject;

describe("readRepositoryTags", () => {
  it("parses, re-checks and indexes a tag ConfigMap", () => {
    const read = readRepositoryTags(
      configMap({ format: tagsFormat, repository: "r.io/a", tags: "1.0\nnot a tag\n1.1", digests: "{}" }),
    );
    if (!read.ok) throw new Error(read.error);
    expect(read.value.observed).toEqual({
      repository: "r.io/a",
      tags: ["1.0", "1.1"],
      digests: {},
      truncated: false,
    });
    expect(read.value.dropped).toBe(1);
    const scheme = read.value.index.scheme(parseVersionTag("1.0") ?? expect.fail());
    expect(scheme.map((entry) => entry.tag)).toEqual(["1.1", "1.0"]);
  });

  it("passes a format error on", () => {
    expect(readRepositoryTags(configMap({ format: "v0" }))).toEqual({
      ok: false,
      error: "unknown tag ConfigMap format v0",
    });
  });
});
