import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildTagConfigMap,
  type ObservedTags,
  tagConfigMapName,
} from "../../../src/core/tags/tag-configmap.ts";
import { phases } from "../../../src/core/updaterequests/update-request.ts";
import { aHelmRelease } from "../../helpers/helm-releases.ts";
import { hooksApp, type recordingExecutor } from "../../helpers/hooks-app.ts";

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(`tests/fixtures/metacontroller/${name}.json`, "utf8"));
const contractFields = ["labels", "annotations", "status", "attachments", "resyncAfterSeconds", "finalized"];

describe("POST /hooks/workloads/sync", () => {
  it.each([
    ["deployment-no-related", "nothing observed yet: no attachments, no errors"],
    ["deployment-new-tags", "proposes nginx 1.27.0, leaves the exporter (major only) and pre-releases alone"],
    [
      "statefulset-history",
      "keeps the completed request, writes history, defers 16.3 by min-update-interval",
    ],
    ["daemonset-rejected", "keeps the rejection sticky, proposes the init container's update"],
    ["deployment-supersede", "supersedes the pending 1.26.0 request with one for 1.27.0"],
    ["deployment-bad-annotations", "reports invalid annotations and proposes nothing"],
  ])("%s: %s", async (name) => {
    const { post } = hooksApp();
    const res = await post("/hooks/workloads/sync", fixture(`${name}.request`));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual(fixture(`${name}.response`));
    expect(Object.keys(body).every((key) => contractFields.includes(key))).toBe(true);
  });

  it("raises a Warning Event and a metric for each invalid annotation", async () => {
    const { post, execute, registry } = hooksApp();
    await post("/hooks/workloads/sync", fixture("deployment-bad-annotations.request"));
    const events = (execute as ReturnType<typeof recordingExecutor>).effects;
    expect(events.map((e) => e.type === "event" && e.reason)).toEqual([
      "HeadwindConfigError",
      "HeadwindConfigError",
    ]);
    expect(await registry.getSingleMetricAsString("headwind_annotation_errors_total")).toContain(
      'headwind_annotation_errors_total{kind="Deployment"} 2',
    );
  });

  it("min-image-age: a tag too young is not proposed yet; the hook asks to be synced when it comes of age", async () => {
    const { post } = hooksApp();
    const request = structuredClone(fixture("deployment-new-tags.request")) as {
      object: { metadata: { annotations: Record<string, string> } };
      related: Record<string, Record<string, { data: Record<string, string> }>>;
    };
    request.object.metadata.annotations["headwind.sh/min-image-age"] = "24h";
    const nginx = Object.values(request.related["ConfigMap.v1"] ?? {})[0];
    if (nginx === undefined) throw new Error("fixture has no ConfigMap");
    const now = Date.parse("2026-11-25T12:00:00.000Z") / 1000;
    // 1.27.0 appeared an hour ago, 1.25.4 was there when the repository was first listed.
    nginx.data.times = JSON.stringify({
      v: 1,
      since: now - 30 * 86_400,
      created: {},
      seen: { "1.27.0": now - 3600 },
    });
    const body = (await (await post("/hooks/workloads/sync", request)).json()) as {
      attachments: { spec: { newImage: string } }[];
      resyncAfterSeconds?: number;
    };
    expect(body.attachments.map((ur) => ur.spec.newImage)).toEqual(["nginx:1.25.4"]);
    expect(body.resyncAfterSeconds).toBe(23 * 3600);
  });

  it("drops and counts tags that break the OCI grammar, and never proposes one", async () => {
    const { post, registry } = hooksApp();
    const request = fixture("deployment-new-tags.request");
    const related = request.related as Record<string, Record<string, { data: Record<string, string> }>>;
    const nginx = related["ConfigMap.v1"]?.["headwind/tags-docker-io-library-nginx-7e59ad6432"];
    if (nginx === undefined) throw new Error("fixture changed");
    nginx.data.tags += `\n1.29.0 ;rm\n1.30.0${"0".repeat(130)}\n-1.31.0`;
    nginx.data.digests = JSON.stringify({ latest: "sha256:short" });
    const res = await post("/hooks/workloads/sync", request);
    expect(await res.json()).toEqual(fixture("deployment-new-tags.response"));
    expect(await registry.getSingleMetricAsString("headwind_hook_invalid_tags_total")).toContain(
      "headwind_hook_invalid_tags_total 4",
    );
  });

  it("ignores request fields it does not know", async () => {
    const { post } = hooksApp();
    const request = { ...fixture("deployment-new-tags.request"), somethingNew: { a: 1 } };
    const res = await post("/hooks/workloads/sync", request);
    expect(await res.json()).toEqual(fixture("deployment-new-tags.response"));
  });

  it.each<[string, string | object, Record<string, string>, number, string]>([
    ["malformed JSON", "{", {}, 400, "request body is not valid JSON"],
    ["a JSON array", "[]", {}, 400, "request body is not a JSON object"],
    ["no object", { attachments: {} }, {}, 400, "object is not an object"],
    [
      "a mistyped attachment",
      {
        object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a" } },
        attachments: { x: 1 },
      },
      {},
      400,
      "attachments.x is not an object",
    ],
    [
      "the wrong content type",
      "{}",
      { "content-type": "text/plain" },
      415,
      "expected Content-Type application/json",
    ],
    [
      "an unsupported kind",
      { object: { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "n" } } },
      {},
      422,
      "v1 Pod is not a workload Headwind manages",
    ],
  ])("answers %s with a clear error", async (_what, body, headers, status, error) => {
    const { post, registry } = hooksApp();
    const res = await post("/hooks/workloads/sync", body, headers);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error });
    expect(await registry.getSingleMetricAsString("headwind_hook_requests_total")).toContain(
      `code="${status}"`,
    );
  });

  it("refuses a body over the limit with 413", async () => {
    const { post } = hooksApp({ maxBodyBytes: 1024 });
    const res = await post("/hooks/workloads/sync", { object: { pad: "x".repeat(4096) } });
    expect(res.status).toBe(413);
  });

  it("answers 500, not a partial 200, when the executor fails", async () => {
    const failing = async () => {
      throw new Error("apiserver unreachable");
    };
    const { post, lines } = hooksApp({ execute: failing });
    const res = await post("/hooks/workloads/sync", fixture("deployment-bad-annotations.request"));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: "could not compute a complete answer; see the hooks server log",
    });
    expect(lines.some((l) => l.msg === "hook answered with an error" && l.level === 50)).toBe(true);
  });
});

describe("tag ConfigMaps of credential scopes (credentials never cross namespaces)", () => {
  const base = fixture("deployment-new-tags.request") as {
    related: Record<string, Record<string, unknown>>;
  };
  const scoped = (namespace: string, tags: string) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: tagConfigMapName("docker.io/library/nginx", namespace), namespace: "headwind" },
    data: {
      format: "headwind.sh/tags/v1",
      repository: "docker.io/library/nginx",
      namespace,
      tags,
      digests: "{}",
    },
  });
  const withRelated = (...extra: ReturnType<typeof scoped>[]) => ({
    ...base,
    related: {
      "ConfigMap.v1": {
        ...base.related["ConfigMap.v1"],
        ...Object.fromEntries(extra.map((cm) => [`headwind/${cm.metadata.name}`, cm])),
      },
    },
  });
  const proposed = async (request: unknown) => {
    const { post } = hooksApp();
    const body = (await (await post("/hooks/workloads/sync", request)).json()) as {
      attachments: { spec: { newImage: string } }[];
    };
    return body.attachments.map((ur) => ur.spec.newImage);
  };

  it("ignores what another namespace's pull secrets read", async () => {
    expect(await proposed(withRelated(scoped("other-team", "1.25.3\n1.25.9")))).toEqual(["nginx:1.27.0"]);
  });

  it("prefers what the workload's own namespace read over the shared observation", async () => {
    expect(
      await proposed(withRelated(scoped("other-team", "1.29.0"), scoped("shop", "1.25.3\n1.26.1"))),
    ).toEqual(["nginx:1.26.1"]);
  });
});

describe("POST /hooks/workloads/customize", () => {
  it("relates exactly the tag ConfigMaps of the workload's images: its namespace's scope and the shared one", async () => {
    const { post } = hooksApp();
    const res = await post("/hooks/workloads/customize", fixture("workloads-customize.request"));
    expect(await res.json()).toEqual({
      relatedResources: [
        {
          apiVersion: "v1",
          resource: "configmaps",
          namespace: "headwind",
          names: [
            tagConfigMapName("docker.io/library/nginx"),
            tagConfigMapName("docker.io/library/nginx", "shop"),
            tagConfigMapName("ghcr.io/acme/nginx-exporter"),
            tagConfigMapName("ghcr.io/acme/nginx-exporter", "shop"),
          ].sort(),
        },
      ],
    });
  });
});

describe("the workloads hook never drops an attachment it was given", () => {
  const base = fixture("deployment-new-tags.request") as { object: unknown; related: unknown };
  const image = fc.constantFrom(
    "nginx:1.25.3",
    "nginx:1.26.0",
    "nginx:1.27.0",
    "nginx:9.9.9",
    `nginx:1.25.3@sha256:${"a".repeat(64)}`,
  );
  const attachment = fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
    container: fc.constantFrom("nginx", "exporter", "gone"),
    newImage: image,
    phase: fc.option(fc.constantFrom(...phases), { nil: undefined }),
    created: fc
      .integer({ min: 0, max: 1e6 })
      .map((s) => new Date(Date.UTC(2026, 10, 1) + s * 1000).toISOString()),
    supersededBy: fc.option(fc.string(), { nil: undefined }),
  });

  it("answers 200 with every attachment it was given, whatever their phases and images", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(attachment, { selector: (a) => a.name, maxLength: 9 }),
        async (items) => {
          const attachments = Object.fromEntries(
            items.map((a) => [
              `shop/${a.name}`,
              {
                apiVersion: "headwind.sh/v1alpha1",
                kind: "UpdateRequest",
                metadata: { name: a.name, namespace: "shop", creationTimestamp: a.created },
                spec: {
                  targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" },
                  containerName: a.container,
                  containerType: "containers",
                  currentImage: "nginx:1.25.3",
                  newImage: a.newImage,
                  ...(a.supersededBy ? { supersededBy: a.supersededBy } : {}),
                },
                ...(a.phase ? { status: { phase: a.phase, completedAt: a.created } } : {}),
              },
            ]),
          );
          const { post } = hooksApp();
          const request = { ...base, attachments: { "UpdateRequest.headwind.sh/v1alpha1": attachments } };
          const res = await post("/hooks/workloads/sync", request);
          expect(res.status).toBe(200);
          const { attachments: returned } = (await res.json()) as {
            attachments: { metadata: { name: string } }[];
          };
          const names = returned.map((a) => a.metadata.name);
          for (const item of items) expect(names).toContain(item.name);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("POST /hooks/workloads/{customize,sync} for a Flux HelmRelease", () => {
  const key = "helmrepository/shop/charts/podinfo";
  const versions = (extra: Partial<ObservedTags> = {}) =>
    buildTagConfigMap(
      { repository: key, tags: ["6.4.0", "6.5.0", "6.5.1", "6.6.0", "7.0.0"], digests: {}, ...extra },
      "headwind",
    );
  const request = (configMap: ReturnType<typeof versions>) => ({
    object: aHelmRelease("6.5.0"),
    attachments: {},
    related: { "ConfigMap.v1": { [`headwind/${configMap.metadata.name}`]: configMap } },
    finalizing: false,
  });

  it("customize relates the ConfigMaps of the chart's source: shared, and read with the release namespace's Secret", async () => {
    const { post } = hooksApp();
    const res = await post("/hooks/workloads/customize", { parent: aHelmRelease("6.5.0") });
    const names = [tagConfigMapName(key), tagConfigMapName(key, "shop")].sort();
    expect(await res.json()).toEqual({
      relatedResources: [{ apiVersion: "v1", resource: "configmaps", namespace: "headwind", names }],
    });
  });

  it("sync proposes a chart update under the same policy: the version is the image", async () => {
    const { post } = hooksApp();
    const body = (await (await post("/hooks/workloads/sync", request(versions()))).json()) as {
      attachments: { metadata: { name: string }; spec: Record<string, unknown> }[];
    };
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]?.spec).toMatchObject({
      targetRef: {
        apiVersion: "helm.toolkit.fluxcd.io/v2",
        kind: "HelmRelease",
        name: "web",
        namespace: "shop",
      },
      containerName: "podinfo",
      containerType: "chart",
      updateType: "chart",
      currentImage: "6.5.0",
      newImage: "6.6.0",
      policy: "minor",
      reason: "minor policy allows 6.5.0 -> 6.6.0",
    });
    expect(body.attachments[0]?.spec.selector).toBeUndefined();
  });

  it("a source the sidecar cannot read is reported on the release, with a Warning Event", async () => {
    const { post, execute } = hooksApp();
    const unreachable = versions();
    unreachable.metadata.annotations["headwind.sh/poll-error"] =
      "unavailable: cannot reach charts.example.com (ECONNREFUSED)";
    const body = (await (await post("/hooks/workloads/sync", request(unreachable))).json()) as {
      annotations: Record<string, string | null>;
      attachments: unknown[];
    };
    expect(JSON.parse(body.annotations["headwind.sh/errors"] ?? "[]")).toEqual([
      "podinfo: unavailable: cannot reach charts.example.com (ECONNREFUSED)",
    ]);
    // The versions last read still count.
    expect(body.attachments).toHaveLength(1);
    const events = (execute as ReturnType<typeof recordingExecutor>).effects;
    expect(events.map((e) => e.type === "event" && `${e.reason} ${e.regarding.kind}`)).toEqual([
      "HeadwindSourceError HelmRelease",
    ]);
  });
});
