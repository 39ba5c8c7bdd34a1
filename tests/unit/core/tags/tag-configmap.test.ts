import { describe, expect, it } from "vitest";
import {
  buildTagConfigMap,
  maxDataBytes,
  parseTagConfigMap,
  tagConfigMapName,
  tagsFormat,
} from "../../../../src/core/tags/tag-configmap.ts";

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe("tagConfigMapName", () => {
  it.each(["docker.io/library/nginx", "registry:5000/a/b", `ghcr.io/${"x".repeat(300)}`, "UPPER.io/A__b"])(
    "is a valid, short, stable name for %s",
    (repository) => {
      const name = tagConfigMapName(repository);
      expect(name).toMatch(dns1123);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(tagConfigMapName(repository)).toBe(name);
    },
  );

  it("differs for repositories that slug alike", () => {
    expect(tagConfigMapName("a.io/b-c")).not.toBe(tagConfigMapName("a.io/b.c"));
  });

  it("gives each namespace scope its own valid name, apart from the shared one", () => {
    const repository = `ghcr.io/${"x".repeat(300)}`;
    const names = [
      tagConfigMapName(repository),
      tagConfigMapName(repository, "team-a"),
      tagConfigMapName(repository, "team-b"),
      tagConfigMapName(repository, "a".repeat(63)),
    ];
    expect(new Set(names).size).toBe(4);
    for (const name of names) {
      expect(name).toMatch(dns1123);
      expect(name.length).toBeLessThanOrEqual(63);
    }
    // A namespace named like a registry cannot make its scope's name another repository's shared one.
    expect(tagConfigMapName("docker.io/library/nginx", "localhost")).not.toBe(
      tagConfigMapName("localhost/docker.io/library/nginx"),
    );
  });
});

const d1 = `sha256:${"1".repeat(64)}`;
const d2 = `sha256:${"2".repeat(64)}`;

describe("buildTagConfigMap / parseTagConfigMap", () => {
  it("round-trips tags and digests", () => {
    const observed = {
      repository: "docker.io/library/nginx",
      tags: ["1.25", "1.27", "latest", "1.25"],
      digests: { latest: d1, gone: d2 },
    };
    const configMap = buildTagConfigMap(observed, "headwind");
    expect(configMap.metadata.namespace).toBe("headwind");
    expect(configMap.data.format).toBe(tagsFormat);
    expect(parseTagConfigMap(configMap)).toEqual({
      ok: true,
      value: {
        repository: observed.repository,
        tags: ["1.25", "1.27", "latest"],
        digests: { latest: d1 },
        truncated: false,
      },
      dropped: 0,
    });
  });

  it("drops and counts what breaks the OCI grammar, whoever wrote it", () => {
    const configMap = {
      data: {
        format: tagsFormat,
        repository: "r.io/a",
        tags: ["1.0", "-bad", "x".repeat(129), "1.1 beta", "1.2", ""].join("\n"),
        digests: JSON.stringify({ "1.0": d1, "1.2": "sha256:short", "-bad": d2, "1.1": d2 }),
      },
    };
    expect(parseTagConfigMap(configMap)).toEqual({
      ok: true,
      value: {
        repository: "r.io/a",
        tags: ["1.0", "1.2"],
        digests: { "1.0": d1, "1.1": d2 },
        truncated: false,
      },
      dropped: 5,
    });
  });

  it("carries tag times in data.times, for the kept tags only", () => {
    const times = {
      since: 1_780_000_000,
      created: { "1.27": 1_779_000_000 },
      seen: { "1.28": 1_780_000_100 },
    };
    const configMap = buildTagConfigMap(
      { repository: "docker.io/library/nginx", tags: ["1.27", "1.28"], digests: {}, times },
      "headwind",
    );
    expect(configMap.data.format).toBe(tagsFormat);
    expect(JSON.parse(configMap.data.times ?? "")).toEqual({ v: 1, ...times });
    expect(parseTagConfigMap(configMap)).toMatchObject({ ok: true, value: { times } });
  });

  it("reads a ConfigMap written before times existed, and one whose times it cannot read, without ages", () => {
    const data = { format: tagsFormat, repository: "r.io/a", tags: "1.0", digests: "{}" };
    const plain = parseTagConfigMap({ data });
    expect(plain).toEqual({
      ok: true,
      value: { repository: "r.io/a", tags: ["1.0"], digests: {}, truncated: false },
      dropped: 0,
    });
    const future = parseTagConfigMap({ data: { ...data, times: '{"v":9}' } });
    expect(future.ok && future.value.times).toBeUndefined();
  });

  it("keeps a namespace scope in the name, a label and the data", () => {
    const configMap = buildTagConfigMap(
      { repository: "r.io/private", namespace: "team-a", tags: ["1.0"], digests: {} },
      "headwind",
    );
    expect(configMap.metadata.name).toBe(tagConfigMapName("r.io/private", "team-a"));
    expect(configMap.metadata.labels).toEqual({
      "headwind.sh/tags": "v1",
      "app.kubernetes.io/managed-by": "headwind",
      "headwind.sh/namespace": "team-a",
    });
    expect(configMap.data.namespace).toBe("team-a");
    expect(parseTagConfigMap(configMap)).toEqual({
      ok: true,
      value: {
        repository: "r.io/private",
        namespace: "team-a",
        tags: ["1.0"],
        digests: {},
        truncated: false,
      },
      dropped: 0,
    });
    const shared = buildTagConfigMap({ repository: "r.io/private", tags: ["1.0"], digests: {} }, "headwind");
    expect(shared.data.namespace).toBeUndefined();
    expect(shared.metadata.labels["headwind.sh/namespace"]).toBeUndefined();
  });

  it("never stores a tag or digest outside the OCI grammar (a newline cannot split the list)", () => {
    const configMap = buildTagConfigMap(
      {
        repository: "r.io/a",
        tags: ["1.0", "1.1\n9.9.9", "9.9.9\r", "x".repeat(129), "-bad", "1.2"],
        digests: { "1.0": `${d1}\n`, "1.2": d2, "1.1\n9.9.9": d1 },
      },
      "hw",
    );
    expect(configMap.data.tags).toBe("1.0\n1.2");
    expect(JSON.parse(configMap.data.digests ?? "")).toEqual({ "1.2": d2 });
  });

  it("stays under the size cap for 50,000 tags, keeping the highest versions", () => {
    const tags = Array.from(
      { length: 50_000 },
      (_, i) => `${Math.floor(i / 100)}.${i % 100}.0-alpine3.18-debian`,
    );
    const signatures = Array.from(
      { length: 5_000 },
      (_, i) => `sha256-${i.toString(16).padStart(64, "0")}.sig`,
    );
    const configMap = buildTagConfigMap(
      { repository: "r.io/a", tags: [...tags, ...signatures], digests: {} },
      "hw",
    );
    const size = Object.values(configMap.data).reduce((n, v) => n + Buffer.byteLength(v), 0);
    expect(size).toBeLessThanOrEqual(maxDataBytes);
    const parsed = parseTagConfigMap(configMap);
    expect(parsed.ok && parsed.value.truncated).toBe(true);
    expect(parsed.ok && parsed.value.tags).toContain("499.99.0-alpine3.18-debian");
    expect(parsed.ok && parsed.value.tags.some((t) => t.endsWith(".sig"))).toBe(false);
  });

  it.each([
    [null, "tag ConfigMap has no string data"],
    [{ data: { format: "v0" } }, "unknown tag ConfigMap format v0"],
    [{ data: { format: tagsFormat } }, "tag ConfigMap names no repository"],
    [{ data: { format: tagsFormat, repository: "a", digests: "{" } }, "tag ConfigMap digests are not JSON"],
    [
      { data: { format: tagsFormat, repository: "a", digests: "[1]" } },
      "tag ConfigMap digests are not a string map",
    ],
    [{ data: { format: 1 } }, "tag ConfigMap has no string data"],
  ])("refuses %j", (object, error) => {
    expect(parseTagConfigMap(object)).toEqual({ ok: false, error });
  });
});
