import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import type { ObservedTags } from "../../../../src/core/tags/tag-configmap.ts";
import type { NamespaceUse, PollInterest } from "../../../../src/sidecar/poller/merge-interest.ts";
import { buildInterest, type InterestInput } from "../../../../src/sidecar/runtime/build-interest.ts";

const digestA = `sha256:${"a".repeat(64)}`;

function deployment(
  name: string,
  annotations: Record<string, string>,
  containers: { name: string; image: string }[],
  podSpec: Record<string, unknown> = {},
  namespace = "shop",
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, annotations },
    spec: { template: { spec: { containers, ...podSpec } } },
  };
}

function cronJob(name: string, annotations: Record<string, string>, image: string): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name, namespace: "jobs", annotations },
    spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: "job", image }] } } } } },
  };
}

const web = (image: string) => [{ name: "web", image }];
const secret = (namespace: string, name: string) => ({ namespace, name });
const use = (namespace: string, digestTags: string[] = [], secrets: string[] = []): NamespaceUse => ({
  namespace,
  pullSecrets: secrets.map((name) => secret(namespace, name)),
  digestTags,
});
const shop = (digestTags: string[] = [], secrets: string[] = []) => use("shop", digestTags, secrets);
const poll = (
  repository: string,
  pollingIntervalSeconds: number,
  uses: NamespaceUse[] = [shop()],
): PollInterest => ({ repository, pollingIntervalSeconds, uses });

const observed = (repository: string, tags: string[], namespace?: string): ObservedTags => ({
  repository,
  ...(namespace === undefined ? {} : { namespace }),
  tags,
  digests: {},
  truncated: false,
});

function input(workloads: KubeObject[], extra: Partial<InterestInput> = {}): InterestInput {
  return {
    workloads,
    serviceAccountPullSecrets: new Map(),
    observed: [],
    defaultPollingIntervalSeconds: 300,
    ...extra,
  };
}

interface Row {
  name: string;
  input: InterestInput;
  poll: PollInterest[];
  repositories: Record<string, NamespaceUse[]>;
}

const rows: Row[] = [
  { name: "no workloads", input: input([]), poll: [], repositories: {} },
  {
    name: "a workload without the policy annotation is not looked at",
    input: input([deployment("plain", {}, web("nginx:1.25"))]),
    poll: [],
    repositories: {},
  },
  {
    name: "policy none: nothing",
    input: input([deployment("off", { "headwind.sh/policy": "none" }, web("nginx:1.25"))]),
    poll: [],
    repositories: {},
  },
  {
    name: "an invalid policy falls back to none: nothing",
    input: input([deployment("typo", { "headwind.sh/policy": "minro" }, web("nginx:1.25"))]),
    poll: [],
    repositories: {},
  },
  {
    name: "default interval, normalised repository key, init containers too",
    input: input([
      deployment("web", { "headwind.sh/policy": "minor" }, web("nginx:1.25"), {
        initContainers: [{ name: "migrate", image: "ghcr.io/acme/migrate:2.0.0" }],
      }),
    ]),
    poll: [poll("docker.io/library/nginx", 300), poll("ghcr.io/acme/migrate", 300)],
    repositories: { "docker.io/library/nginx": [shop()], "ghcr.io/acme/migrate": [shop()] },
  },
  {
    name: "headwind.sh/images limits the containers; the polling-interval annotation wins",
    input: input([
      deployment(
        "two",
        {
          "headwind.sh/policy": "patch",
          "headwind.sh/images": "app",
          "headwind.sh/polling-interval": "2m",
        },
        [
          { name: "app", image: "registry.example.com/shop/app:1.0.0" },
          { name: "proxy", image: "envoyproxy/envoy:v1.30.0" },
        ],
      ),
    ]),
    poll: [poll("registry.example.com/shop/app", 120)],
    repositories: { "registry.example.com/shop/app": [shop()] },
  },
  {
    name: "event-source webhook and none: in use (webhooks accepted) but not polled",
    input: input([
      deployment(
        "hook",
        { "headwind.sh/policy": "minor", "headwind.sh/event-source": "webhook" },
        web("a.io/x:1.0.0"),
      ),
      deployment(
        "quiet",
        { "headwind.sh/policy": "minor", "headwind.sh/event-source": "none" },
        web("a.io/y:1.0.0"),
      ),
      deployment(
        "polled",
        { "headwind.sh/policy": "minor", "headwind.sh/event-source": "polling" },
        web("a.io/z:1"),
      ),
    ]),
    poll: [poll("a.io/z", 300)],
    repositories: { "a.io/x": [shop()], "a.io/y": [shop()], "a.io/z": [shop()] },
  },
  {
    name: "digest policy tracks the running tag (latest when untagged)",
    input: input([
      deployment("d1", { "headwind.sh/policy": "digest" }, web("a.io/app:main")),
      deployment("d2", { "headwind.sh/policy": "digest" }, web("a.io/app")),
      deployment("d3", { "headwind.sh/policy": "digest" }, web(`a.io/pinned@${digestA}`)),
    ]),
    poll: [poll("a.io/app", 300, [shop(["latest", "main"])]), poll("a.io/pinned", 300)],
    repositories: { "a.io/app": [shop(["latest", "main"])], "a.io/pinned": [shop()] },
  },
  {
    name: "a digest-pinned image follows its candidate tag from the ConfigMap's tags",
    input: input([deployment("pin", { "headwind.sh/policy": "minor" }, web(`a.io/app:1.0.0@${digestA}`))], {
      observed: [observed("a.io/app", ["1.0.0", "1.1.0", "1.2.0", "2.0.0"])],
    }),
    poll: [poll("a.io/app", 300, [shop(["1.2.0"])])],
    repositories: { "a.io/app": [shop(["1.2.0"])] },
  },
  {
    name: "a digest-pinned image follows the candidate its own namespace's scope shows, never another's",
    input: input(
      [
        deployment("pin", { "headwind.sh/policy": "minor" }, web(`a.io/app:1.0.0@${digestA}`)),
        deployment("pin", { "headwind.sh/policy": "minor" }, web(`a.io/app:1.0.0@${digestA}`), {}, "other"),
        deployment("pin", { "headwind.sh/policy": "minor" }, web(`a.io/app:1.0.0@${digestA}`), {}, "third"),
      ],
      {
        observed: [
          observed("a.io/app", ["1.0.0", "1.1.0"]),
          observed("a.io/app", ["1.0.0", "1.3.0"], "shop"),
          observed("a.io/app", ["1.0.0", "1.9.0"], "other"),
        ],
      },
    ),
    poll: [poll("a.io/app", 300, [use("other", ["1.9.0"]), use("shop", ["1.3.0"]), use("third", ["1.1.0"])])],
    repositories: { "a.io/app": [use("other", ["1.9.0"]), use("shop", ["1.3.0"]), use("third", ["1.1.0"])] },
  },
  {
    name: "a digest-pinned image with no ConfigMap yet, or no candidate, tracks nothing",
    input: input(
      [
        deployment("pin", { "headwind.sh/policy": "minor" }, web(`a.io/app:1.0.0@${digestA}`)),
        deployment("top", { "headwind.sh/policy": "minor" }, web(`a.io/top:3.0.0@${digestA}`)),
      ],
      { observed: [observed("a.io/top", ["2.0.0", "3.0.0"])] },
    ),
    poll: [poll("a.io/app", 300), poll("a.io/top", 300)],
    repositories: { "a.io/app": [shop()], "a.io/top": [shop()] },
  },
  {
    name: "credentials: pod spec secrets, then the ServiceAccount's, kept per namespace; missing SA adds none",
    input: input(
      [
        deployment("a", { "headwind.sh/policy": "minor" }, web("priv.io/app:1"), {
          serviceAccountName: "builder",
          imagePullSecrets: [{ name: "pod-cred" }, { name: "shared" }],
        }),
        deployment("b", { "headwind.sh/policy": "minor" }, web("priv.io/app:1"), {}, "other"),
        deployment("c", { "headwind.sh/policy": "minor" }, web("priv.io/lib:1"), {
          serviceAccountName: "ghost",
        }),
      ],
      {
        serviceAccountPullSecrets: new Map([
          ["shop/builder", ["sa-cred", "shared"]],
          ["other/default", ["other-cred"]],
        ]),
      },
    ),
    poll: [
      poll("priv.io/app", 300, [
        use("other", [], ["other-cred"]),
        shop([], ["pod-cred", "shared", "sa-cred"]),
      ]),
      poll("priv.io/lib", 300),
    ],
    repositories: {
      "priv.io/app": [use("other", [], ["other-cred"]), shop([], ["pod-cred", "shared", "sa-cred"])],
      "priv.io/lib": [shop()],
    },
  },
  {
    name: "one entry per repository: shortest polled interval; webhook-only users add digest tags and secrets",
    input: input([
      deployment(
        "slow",
        { "headwind.sh/policy": "minor", "headwind.sh/polling-interval": "10m" },
        web("a.io/app:1"),
      ),
      deployment(
        "fast",
        { "headwind.sh/policy": "minor", "headwind.sh/polling-interval": "1m" },
        web("a.io/app:1"),
      ),
      deployment(
        "hook",
        { "headwind.sh/policy": "digest", "headwind.sh/event-source": "webhook" },
        web("a.io/app:edge"),
        { imagePullSecrets: [{ name: "hook-cred" }] },
      ),
    ]),
    poll: [poll("a.io/app", 60, [shop(["edge"], ["hook-cred"])])],
    repositories: { "a.io/app": [shop(["edge"], ["hook-cred"])] },
  },
  {
    name: "min-image-age asks for creation times, for any workload using the repository",
    input: input([
      deployment(
        "soaked",
        { "headwind.sh/policy": "minor", "headwind.sh/min-image-age": "24h" },
        web("a.io/app:1"),
      ),
      deployment("eager", { "headwind.sh/policy": "minor" }, web("a.io/app:1")),
      deployment("other", { "headwind.sh/policy": "minor" }, web("a.io/other:1")),
    ]),
    poll: [{ ...poll("a.io/app", 300), creationTimes: true }, poll("a.io/other", 300)],
    repositories: { "a.io/app": [shop()], "a.io/other": [shop()] },
  },
  {
    name: "CronJobs count; an invalid image is skipped",
    input: input([
      cronJob("nightly", { "headwind.sh/policy": "major" }, "a.io/batch:1.0.0"),
      deployment("bad", { "headwind.sh/policy": "major" }, web("NOT VALID")),
    ]),
    poll: [poll("a.io/batch", 300, [use("jobs")])],
    repositories: { "a.io/batch": [use("jobs")] },
  },
];

describe("buildInterest", () => {
  it.each(rows)("$name", (row) => {
    const result = buildInterest(row.input);
    expect(result.poll).toEqual(row.poll);
    expect(Object.fromEntries(result.repositories)).toEqual(row.repositories);
  });
});
