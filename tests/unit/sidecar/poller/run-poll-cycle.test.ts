import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { ObservedTags } from "../../../../src/core/tags/tag-configmap.ts";
import {
  type CredentialScope,
  createCredentialResolver,
  sharedCredentials,
} from "../../../../src/sidecar/poller/create-credential-resolver.ts";
import { createPollerMetrics } from "../../../../src/sidecar/poller/create-poller-metrics.ts";
import type { PollInterest, SecretRef } from "../../../../src/sidecar/poller/merge-interest.ts";
import { type PollCycleDeps, runPollCycle } from "../../../../src/sidecar/poller/run-poll-cycle.ts";
import type { CloudCredentials } from "../../../../src/sidecar/registry/cloud/create-cloud-credentials.ts";
import { registryError } from "../../../../src/sidecar/registry/registry-result.ts";
import { fakeRegistryClient } from "../../../helpers/registry-fake-client.ts";

const now = Date.parse("2026-01-01T00:00:00Z");
const interest = (repository: string, secrets: string[] = [], namespace = "ns"): PollInterest => ({
  repository,
  pollingIntervalSeconds: 60,
  uses: [{ namespace, pullSecrets: secrets.map((name) => ({ namespace, name })), digestTags: [] }],
});

/** Secrets by `namespace/name`: a docker config, or an Error the loader throws. */
function loader(secrets: Record<string, unknown>) {
  const loaded: string[][] = [];
  const load = async (refs: readonly SecretRef[]) => {
    loaded.push(refs.map((ref) => `${ref.namespace}/${ref.name}`));
    return refs
      .map((ref) => {
        const value = secrets[`${ref.namespace}/${ref.name}`];
        if (value instanceof Error) throw value;
        return value;
      })
      .filter((value) => value !== undefined);
  };
  return { load, loaded };
}

const auths = (host: string, username: string) => ({ auths: { [host]: { username, password: "pw" } } });

function deps(overrides: Partial<PollCycleDeps>, client = fakeRegistryClient({}).client) {
  const register = new Registry();
  const written: { observed: ObservedTags; scope: CredentialScope }[] = [];
  const base: PollCycleDeps = {
    client,
    interest: [],
    lastPolled: new Map(),
    clock: () => now,
    resolveScopes: createCredentialResolver({
      loadDockerConfigs: async () => [],
      sharedCredentials: async () => undefined,
    }),
    onObserved: async (observed, scope) => {
      written.push({ observed, scope });
    },
    metrics: createPollerMetrics(register),
  };
  return { deps: { ...base, ...overrides }, written, register };
}

describe("runPollCycle", () => {
  it("reads creation times for a scope's new tags only where a workload wants them, with that scope's credentials", async () => {
    const fake = fakeRegistryClient({
      "r.io/soaked": { tags: ["1.0.0", "1.1.0"], created: { "1.1.0": 1_760_000_000 } },
      "r.io/eager": { tags: ["2.0.0"], created: { "2.0.0": 1_760_000_000 } },
    });
    const secrets = loader({ "ns/pull": auths("r.io", "robot") });
    const written: [string, string | undefined, Readonly<Record<string, number>>][] = [];
    const { deps: cycle } = deps(
      {
        interest: [
          { ...interest("r.io/soaked", ["pull"]), creationTimes: true },
          interest("r.io/soaked", [], "other"),
          interest("r.io/eager"),
        ],
        resolveScopes: createCredentialResolver({
          loadDockerConfigs: secrets.load,
          sharedCredentials: async () => undefined,
        }),
        // Only the namespace's own ConfigMap knows 1.0.0; the shared scope is listed for the first time.
        previous: (repository, namespace) =>
          repository === "r.io/soaked" && namespace === "ns"
            ? { repository, namespace, tags: ["1.0.0"], digests: {}, truncated: false }
            : undefined,
        onObserved: async (observed, _scope, created) => {
          written.push([observed.repository, observed.namespace, created]);
        },
      },
      fake.client,
    );
    await runPollCycle(cycle);
    expect(written.sort()).toEqual([
      ["r.io/eager", undefined, {}],
      ["r.io/soaked", undefined, { "1.1.0": 1_760_000_000 }],
      ["r.io/soaked", "ns", { "1.1.0": 1_760_000_000 }],
    ]);
    expect(fake.calls.filter((call) => call.startsWith("created")).sort()).toEqual([
      "created r.io/soaked:1.0.0",
      "created r.io/soaked:1.1.0",
      "created r.io/soaked:1.1.0 as robot",
    ]);
  });

  it("polls each due repository once per credential scope, with the credentials of that scope", async () => {
    const fake = fakeRegistryClient({
      "reg.example/a": { tags: ["1"] },
      "docker.io/library/b": { tags: ["2", "3"] },
    });
    const secrets = loader({ "ns/pull": auths("reg.example", "robot") });
    const { deps: cycle, written } = deps(
      {
        interest: [
          interest("reg.example/a", ["pull"]),
          interest("reg.example/a", [], "other"),
          interest("docker.io/library/b"),
        ],
        resolveScopes: createCredentialResolver({
          loadDockerConfigs: secrets.load,
          sharedCredentials: async () => undefined,
        }),
      },
      fake.client,
    );
    const report = await runPollCycle(cycle);
    expect(report).toMatchObject({ due: 2, polled: 2, failed: [], tagsSeen: 4 });
    expect(fake.calls.sort()).toEqual([
      "list docker.io/library/b",
      "list reg.example/a",
      "list reg.example/a as robot",
    ]);
    expect(secrets.loaded).toEqual([["ns/pull"]]);
    expect(
      written
        .map(({ observed, scope }) => `${observed.repository} ${observed.namespace} ${scope.namespaces}`)
        .sort(),
    ).toEqual(["docker.io/library/b undefined ns", "reg.example/a ns ns", "reg.example/a undefined other"]);
    expect([...report.lastPolled]).toEqual(
      expect.arrayContaining([
        ["reg.example/a", now],
        ["docker.io/library/b", now],
      ]),
    );
  });

  it("keeps to the per-registry concurrency limit", async () => {
    const repositories = Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [`reg/r${i}`, { tags: ["1"] }]),
    );
    const fake = fakeRegistryClient(repositories);
    const { deps: cycle } = deps(
      { interest: Object.keys(repositories).map((key) => interest(key)), concurrencyPerRegistry: 2 },
      fake.client,
    );
    expect(await runPollCycle(cycle)).toMatchObject({ due: 6, polled: 6 });
    expect(fake.maxInFlight()).toBe(2);
  });

  it("reports registry, credential and write failures as values and counts registry errors", async () => {
    const fake = fakeRegistryClient({
      "reg/down": { fail: "unavailable" },
      "reg/ok": { tags: ["1"] },
      "reg/secret": { tags: ["1"] },
    });
    const secrets = loader({ "ns/missing": new Error("secret ns/missing not found") });
    const { deps: cycle, register } = deps(
      {
        interest: [interest("reg/down"), interest("reg/ok"), interest("reg/secret", ["missing"])],
        resolveScopes: createCredentialResolver({
          loadDockerConfigs: secrets.load,
          sharedCredentials: async () => undefined,
        }),
        onObserved: async () => Promise.reject(new Error("conflict")),
      },
      fake.client,
    );
    const report = await runPollCycle(cycle);
    expect(report).toMatchObject({ due: 3, polled: 0 });
    expect(report.failed).toEqual([
      { repository: "reg/down", kind: "unavailable", message: "unavailable: reg/down failed" },
      { repository: "reg/ok", kind: "write", message: "write: conflict" },
      {
        repository: "reg/secret",
        namespace: "ns",
        kind: "credentials",
        message: "credentials: secret ns/missing not found",
      },
    ]);
    const text = await register.metrics();
    // The write failure is ours, not the registry's.
    expect(text).toContain('headwind_registry_errors_total{registry="reg"} 2');
    expect(text).toContain("headwind_polling_images_checked_total 3");
    expect(text).toContain("headwind_polling_cycles_total 1");
  });

  it("a namespace whose secret the registry refuses fails alone: the owner's scope and the shared one are polled", async () => {
    const client = {
      ...fakeRegistryClient({}).client,
      listTags: async (_key: string, credentials?: { username: string }) =>
        credentials?.username === "wrong"
          ? {
              ok: false as const,
              error: { kind: "unauthorized" as const, registry: "reg", message: "refused" },
            }
          : {
              ok: true as const,
              value: { tags: [`as-${credentials?.username ?? "anonymous"}`], pages: 1, complete: true },
            },
    };
    const secrets = loader({ "owner/pull": auths("reg", "owner"), "thief/pull": auths("reg", "wrong") });
    const { deps: cycle, written } = deps(
      {
        interest: [
          interest("reg/private", ["pull"], "thief"),
          interest("reg/private", ["pull"], "owner"),
          interest("reg/private", [], "public"),
        ],
        resolveScopes: createCredentialResolver({
          loadDockerConfigs: secrets.load,
          sharedCredentials: async () => undefined,
        }),
      },
      client,
    );
    const report = await runPollCycle(cycle);
    expect(report.failed).toEqual([
      { repository: "reg/private", namespace: "thief", kind: "unauthorized", message: "refused" },
    ]);
    expect(written.map(({ observed }) => `${observed.namespace ?? "shared"}: ${observed.tags}`)).toEqual([
      "owner: as-owner",
      "shared: as-anonymous",
    ]);
  });

  it("does nothing when nothing is due", async () => {
    const fake = fakeRegistryClient({});
    const { deps: cycle } = deps(
      { interest: [interest("reg/a")], lastPolled: new Map([["reg/a", now - 1000]]) },
      fake.client,
    );
    expect(await runPollCycle(cycle)).toMatchObject({ due: 0, polled: 0, failed: [], tagsSeen: 0 });
    expect(fake.calls).toEqual([]);
  });

  it("forgets the tags-seen gauge of repositories no longer watched", async () => {
    const fake = fakeRegistryClient({ "reg/a": { tags: ["1"] }, "reg/b": { tags: ["1", "2"] } });
    const { deps: cycle, register } = deps({ interest: [interest("reg/a"), interest("reg/b")] }, fake.client);
    const first = await runPollCycle(cycle);
    expect(await register.metrics()).toContain('headwind_polling_tags_seen{repository="reg/b"} 2');
    await runPollCycle({ ...cycle, interest: [interest("reg/a")], lastPolled: first.lastPolled });
    const text = await register.metrics();
    expect(text).toContain('headwind_polling_tags_seen{repository="reg/a"} 1');
    expect(text).not.toContain('repository="reg/b"');
  });

  it("uses cloud credentials only where no pull secret matches, and fails just that registry when they fail", async () => {
    const fake = fakeRegistryClient({
      "111122223333.dkr.ecr.us-east-1.amazonaws.com/app": { tags: ["1"] },
      "111122223333.dkr.ecr.us-east-1.amazonaws.com/with-secret": { tags: ["1"] },
      "us-docker.pkg.dev/p/app": { tags: ["1"] },
      "ghcr.io/o/app": { tags: ["1"] },
    });
    const asked: string[] = [];
    const cloudCredentials: CloudCredentials = async (registry) => {
      asked.push(registry);
      if (registry.endsWith(".pkg.dev"))
        return { ok: false, error: registryError("unavailable", registry, "gcp credentials: metadata down") };
      return registry.includes(".ecr.")
        ? { ok: true, value: { username: "AWS", password: "ecr", sameHostOnly: true } }
        : undefined;
    };
    const ecr = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
    const { deps: cycle, register } = deps(
      {
        interest: [
          interest(`${ecr}/app`),
          interest(`${ecr}/with-secret`, ["pull"]),
          interest("us-docker.pkg.dev/p/app"),
          interest("ghcr.io/o/app"),
        ],
        resolveScopes: createCredentialResolver({
          loadDockerConfigs: async () => [{ auths: { [ecr]: { username: "robot", password: "pw" } } }],
          sharedCredentials: sharedCredentials(async () => [], [], cloudCredentials),
        }),
      },
      fake.client,
    );
    const report = await runPollCycle(cycle);
    expect(fake.calls.sort()).toEqual([
      `list ${ecr}/app as AWS`,
      `list ${ecr}/with-secret as robot`,
      "list ghcr.io/o/app",
    ]);
    expect(report.failed).toEqual([
      {
        repository: "us-docker.pkg.dev/p/app",
        namespace: undefined,
        kind: "credentials",
        message: "unavailable: gcp credentials: metadata down",
      },
    ]);
    expect(asked.sort()).toEqual([`${ecr}`, "ghcr.io", "us-docker.pkg.dev"]);
    expect(await register.metrics()).toContain(
      'headwind_registry_errors_total{registry="us-docker.pkg.dev"} 1',
    );
  });
});
