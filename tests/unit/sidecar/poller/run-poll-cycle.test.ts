import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { ObservedTags } from "../../../../src/core/tags/tag-configmap.ts";
import { createPollerMetrics } from "../../../../src/sidecar/poller/create-poller-metrics.ts";
import type { PollInterest } from "../../../../src/sidecar/poller/merge-interest.ts";
import { type PollCycleDeps, runPollCycle } from "../../../../src/sidecar/poller/run-poll-cycle.ts";
import type { CloudCredentials } from "../../../../src/sidecar/registry/cloud/create-cloud-credentials.ts";
import { registryError } from "../../../../src/sidecar/registry/registry-result.ts";
import { fakeRegistryClient } from "../../../helpers/registry-fake-client.ts";

const now = Date.parse("2026-01-01T00:00:00Z");
const interest = (repository: string, secrets: string[] = []): PollInterest => ({
  repository,
  pollingIntervalSeconds: 60,
  digestTags: [],
  credentialsRefs: secrets.map((name) => ({ namespace: "ns", name })),
});

function deps(overrides: Partial<PollCycleDeps>, client = fakeRegistryClient({}).client) {
  const register = new Registry();
  const written: ObservedTags[] = [];
  const base: PollCycleDeps = {
    client,
    interest: [],
    lastPolled: new Map(),
    now: () => now,
    loadDockerConfigs: async () => [],
    onObserved: async (observed) => {
      written.push(observed);
    },
    metrics: createPollerMetrics(register),
  };
  return { deps: { ...base, ...overrides }, written, register };
}

describe("runPollCycle", () => {
  it("reads creation times for new tags only where a workload wants them, and hands them to the writer", async () => {
    const fake = fakeRegistryClient({
      "r.io/soaked": { tags: ["1.0.0", "1.1.0"], created: { "1.1.0": 1_760_000_000 } },
      "r.io/eager": { tags: ["2.0.0"], created: { "2.0.0": 1_760_000_000 } },
    });
    const written: [string, Readonly<Record<string, number>>][] = [];
    const { deps: cycle } = deps(
      {
        interest: [{ ...interest("r.io/soaked"), creationTimes: true }, interest("r.io/eager")],
        previous: (repository) =>
          repository === "r.io/soaked"
            ? { repository, tags: ["1.0.0"], digests: {}, truncated: false }
            : undefined,
        onObserved: async (observed, created) => {
          written.push([observed.repository, created]);
        },
      },
      fake.client,
    );
    await runPollCycle(cycle);
    expect(written.sort()).toEqual([
      ["r.io/eager", {}],
      ["r.io/soaked", { "1.1.0": 1_760_000_000 }],
    ]);
    expect(fake.calls.filter((call) => call.startsWith("created"))).toEqual(["created r.io/soaked:1.1.0"]);
  });

  it("polls each due repository once, with the credentials its secrets hold", async () => {
    const fake = fakeRegistryClient({
      "reg.example/a": { tags: ["1"] },
      "docker.io/library/b": { tags: ["2", "3"] },
    });
    const auths = { auths: { "reg.example": { username: "robot", password: "pw" } } };
    const loaded: string[][] = [];
    const { deps: cycle, written } = deps(
      {
        interest: [
          interest("reg.example/a", ["pull"]),
          interest("reg.example/a"),
          interest("docker.io/library/b"),
        ],
        loadDockerConfigs: async (refs) => {
          loaded.push(refs.map((ref) => ref.name));
          return [auths];
        },
      },
      fake.client,
    );
    const report = await runPollCycle(cycle);
    expect(report).toMatchObject({ due: 2, polled: 2, failed: [], tagsSeen: 3 });
    expect(fake.calls.sort()).toEqual(["list docker.io/library/b", "list reg.example/a as robot"]);
    expect(loaded).toEqual([["pull"]]);
    expect(written.map((observed) => observed.repository).sort()).toEqual([
      "docker.io/library/b",
      "reg.example/a",
    ]);
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
    const { deps: cycle, register } = deps(
      {
        interest: [interest("reg/down"), interest("reg/ok"), interest("reg/secret", ["missing"])],
        loadDockerConfigs: async () => Promise.reject(new Error("secret ns/missing not found")),
        onObserved: async () => Promise.reject(new Error("conflict")),
      },
      fake.client,
    );
    const report = await runPollCycle(cycle);
    expect(report).toMatchObject({ due: 3, polled: 0 });
    expect(report.failed).toEqual([
      { repository: "reg/down", kind: "unavailable", message: "unavailable: reg/down failed" },
      { repository: "reg/ok", kind: "write", message: "write: conflict" },
      { repository: "reg/secret", kind: "credentials", message: "credentials: secret ns/missing not found" },
    ]);
    const text = await register.metrics();
    // The write failure is ours, not the registry's.
    expect(text).toContain('headwind_registry_errors_total{registry="reg"} 2');
    expect(text).toContain("headwind_polling_images_checked_total 3");
    expect(text).toContain("headwind_polling_cycles_total 1");
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
        loadDockerConfigs: async () => [{ auths: { [ecr]: { username: "robot", password: "pw" } } }],
        cloudCredentials,
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
