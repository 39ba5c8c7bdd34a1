import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ObservedTags } from "../../src/core/tags/tag-configmap.ts";
import { createCredentialResolver } from "../../src/sidecar/poller/create-credential-resolver.ts";
import { createPollerMetrics } from "../../src/sidecar/poller/create-poller-metrics.ts";
import type { PollInterest, SecretRef } from "../../src/sidecar/poller/merge-interest.ts";
import { runPollCycle } from "../../src/sidecar/poller/run-poll-cycle.ts";
import { createRegistryClient } from "../../src/sidecar/registry/create-registry-client.ts";
import { createCountingFetch } from "../helpers/registry-counting-fetch.ts";
import { pushImage } from "../helpers/registry-push.ts";
import {
  htpasswdBasic,
  htpasswdPassword,
  htpasswdUser,
  type RegistryServer,
  startRegistry,
} from "../helpers/registry-server.ts";
import { startTokenServer, type TokenServer } from "../helpers/registry-token-server.ts";

const basic = htpasswdBasic;
const pullSecret = { namespace: "shop", name: "regcred" };

/** One workload's interest, in namespace `shop`. */
const workload = (
  repository: string,
  pollingIntervalSeconds: number,
  digestTags: string[] = [],
  pullSecrets: SecretRef[] = [],
): PollInterest => ({
  repository,
  pollingIntervalSeconds,
  uses: [{ namespace: "shop", pullSecrets, digestTags }],
});

/** Every pull secret holds `dockerConfigs`; the shared scope is anonymous. */
const resolver = (dockerConfigs: unknown[]) =>
  createCredentialResolver({
    loadDockerConfigs: async () => dockerConfigs,
    sharedCredentials: async () => undefined,
  });

describe("runPollCycle against docker-registry", () => {
  let open: RegistryServer;
  let locked: RegistryServer;
  let tokens: TokenServer;
  let tokenAuthed: RegistryServer;

  beforeAll(async () => {
    tokens = await startTokenServer({ robot: "robot-pw" });
    const { realm, service, issuer, rootCertBundle } = tokens;
    [open, locked, tokenAuthed] = await Promise.all([
      startRegistry(),
      startRegistry({ auth: { kind: "htpasswd" } }),
      startRegistry({ auth: { kind: "token", realm, service, issuer, rootCertBundle } }),
    ]);
    for (const name of ["team/one", "team/two"]) {
      const push = tokens.mint("pusher", [{ type: "repository", name, actions: ["pull", "push"] }]);
      await pushImage(tokenAuthed.origin, name, ["1.0.0", "latest"], { authorization: `Bearer ${push}` });
    }
    await pushImage(open.origin, "shop/web", ["1.0.0", "1.1.0", "latest"], { seed: "build-1" });
    await pushImage(open.origin, "shop/api", ["3.0.0"]);
    await pushImage(locked.origin, "shop/billing", ["0.9.0", "1.0.0"], { authorization: basic });
  });

  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop(), tokenAuthed?.stop()]);
    await tokens?.stop();
  });

  it("sends one listing per repository however many workloads use it, plus digest HEADs; sees new tags and digests", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const counting = createCountingFetch();
    const register = new Registry();
    const metrics = createPollerMetrics(register);
    const client = createRegistryClient({
      fetch: counting.fetch,
      clock: () => now,
      observer: metrics.observer,
    });
    const web = `${open.host}/shop/web`;
    const api = `${open.host}/shop/api`;
    const billing = `${locked.host}/shop/billing`;
    // Five workloads, three repositories.
    const interest: PollInterest[] = [
      workload(web, 300, ["latest"]),
      workload(web, 60),
      workload(web, 600, ["latest", "gone"]),
      workload(api, 120),
      workload(billing, 60, [], [pullSecret]),
    ];
    const dockerConfig = {
      auths: {
        [locked.host]: { auth: Buffer.from(`${htpasswdUser}:${htpasswdPassword}`).toString("base64") },
      },
    };
    const written: ObservedTags[] = [];
    const deps = {
      client,
      interest,
      clock: () => now,
      resolveScopes: resolver([dockerConfig]),
      onObserved: async (observed: ObservedTags) => {
        written.push(observed);
      },
      metrics,
    };

    const first = await runPollCycle({ ...deps, lastPolled: new Map() });
    expect(first).toMatchObject({ due: 3, polled: 3, failed: [], tagsSeen: 6 });
    // web: listing + HEAD latest ("gone" is not listed, so not HEADed); api: listing;
    // billing: 401 + listing with Basic credentials.
    expect(counting.exchanges).toHaveLength(5);
    const firstWeb = written.find((o) => o.repository === web);
    expect(firstWeb?.digests.latest).toMatch(/^sha256:[0-9a-f]{64}$/);

    // Nothing is due a second later.
    counting.reset();
    now += 1_000;
    const idle = await runPollCycle({ ...deps, lastPolled: first.lastPolled });
    expect(idle).toMatchObject({ due: 0, polled: 0 });
    expect(counting.exchanges).toHaveLength(0);

    // A new tag and a re-pushed mutable tag, then a cycle after the shortest interval (60 s).
    await pushImage(open.origin, "shop/web", ["1.2.0", "latest"], { seed: "build-2" });
    await pushImage(locked.origin, "shop/billing", ["1.1.0"], { authorization: basic });
    written.length = 0;
    counting.reset();
    now += 60_000;
    const third = await runPollCycle({ ...deps, lastPolled: idle.lastPolled });
    // web and billing are due (60 s); api (120 s) is not. Basic goes up front now: no 401.
    expect(third).toMatchObject({ due: 2, polled: 2, failed: [] });
    expect(counting.exchanges.map((e) => `${e.method} ${e.path} ${e.status}`).sort()).toEqual([
      "GET /v2/shop/billing/tags/list?n=1000 200",
      "GET /v2/shop/web/tags/list?n=1000 200",
      "HEAD /v2/shop/web/manifests/latest 200",
    ]);
    const thirdWeb = written.find((o) => o.repository === web);
    expect(thirdWeb?.tags).toContain("1.2.0");
    expect(thirdWeb?.digests.latest).toMatch(/^sha256:/);
    expect(thirdWeb?.digests.latest).not.toBe(firstWeb?.digests.latest);
    expect(written.find((o) => o.repository === billing)?.tags).toContain("1.1.0");

    const text = await register.metrics();
    expect(text).toContain(
      `headwind_registry_requests_total{registry="${open.host}",kind="tags",code="200"} 3`,
    );
    expect(text).toContain(
      `headwind_registry_requests_total{registry="${open.host}",kind="manifest",code="200"} 2`,
    );
    expect(text).toContain(
      `headwind_registry_requests_total{registry="${locked.host}",kind="tags",code="401"} 1`,
    );
    expect(text).toContain(
      `headwind_registry_requests_total{registry="${locked.host}",kind="tags",code="200"} 2`,
    );
    expect(text).toContain("headwind_polling_cycles_total 3");
    expect(text).toContain("headwind_polling_images_checked_total 5");
    expect(text).toContain(`headwind_polling_tags_seen{repository="${web}"} 4`);
  });

  it("reports failing repositories as values and keeps polling the others", async () => {
    const register = new Registry();
    const metrics = createPollerMetrics(register);
    const client = createRegistryClient({ fetch, clock: Date.now, observer: metrics.observer });
    const written: string[] = [];
    const report = await runPollCycle({
      client,
      interest: [
        workload(`${open.host}/shop/missing`, 60),
        workload(`${locked.host}/shop/billing`, 60),
        workload(`${open.host}/shop/api`, 60),
      ],
      lastPolled: new Map(),
      clock: Date.now,
      resolveScopes: resolver([]),
      onObserved: async (observed) => {
        written.push(observed.repository);
      },
      metrics,
    });
    expect(report).toMatchObject({ due: 3, polled: 1 });
    const byRepository = (a: { repository: string }, b: { repository: string }) =>
      a.repository.localeCompare(b.repository);
    expect([...report.failed].sort(byRepository)).toEqual(
      [
        {
          repository: `${open.host}/shop/missing`,
          kind: "not-found",
          message: `not found: ${open.host}/shop/missing does not exist`,
        },
        {
          repository: `${locked.host}/shop/billing`,
          kind: "unauthorized",
          message: `unauthorized: ${locked.host} requires credentials for shop/billing and none are configured`,
        },
      ].sort(byRepository),
    );
    expect(written).toEqual([`${open.host}/shop/api`]);
    const text = await register.metrics();
    expect(text).toContain(`headwind_registry_errors_total{registry="${open.host}"} 1`);
    expect(text).toContain(`headwind_registry_errors_total{registry="${locked.host}"} 1`);
  });

  it("costs repositories + token fetches + digest HEADs per cycle, and only repositories + HEADs once tokens are cached", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const counting = createCountingFetch();
    const metrics = createPollerMetrics(new Registry());
    const client = createRegistryClient({
      fetch: counting.fetch,
      clock: () => now,
      observer: metrics.observer,
    });
    const one = `${tokenAuthed.host}/team/one`;
    const two = `${tokenAuthed.host}/team/two`;
    const secret = [{ namespace: "team", name: "robot" }];
    const deps = {
      client,
      interest: [workload(one, 60, ["latest"], secret), workload(two, 60, [], secret)],
      clock: () => now,
      resolveScopes: resolver([
        { auths: { [tokenAuthed.host]: { username: "robot", password: "robot-pw" } } },
      ]),
      onObserved: async () => {},
      metrics,
      // One at a time, so the first repository's 401 teaches the challenge before the second starts.
      concurrencyPerRegistry: 1,
    };
    const kinds = () =>
      counting.exchanges.map(
        (e) =>
          `${e.origin === tokenAuthed.origin ? "" : "token "}${e.method} ${e.path.split("?")[0]} ${e.status}`,
      );

    const first = await runPollCycle({ ...deps, lastPolled: new Map() });
    expect(first).toMatchObject({ due: 2, polled: 2, failed: [] });
    expect(kinds()).toEqual([
      "GET /v2/team/one/tags/list 401",
      "token GET /token 200",
      "GET /v2/team/one/tags/list 200",
      "HEAD /v2/team/one/manifests/latest 200",
      "token GET /token 200",
      "GET /v2/team/two/tags/list 200",
    ]);

    counting.reset();
    now += 60_000;
    await runPollCycle({ ...deps, lastPolled: first.lastPolled });
    expect(kinds()).toEqual([
      "GET /v2/team/one/tags/list 200",
      "HEAD /v2/team/one/manifests/latest 200",
      "GET /v2/team/two/tags/list 200",
    ]);
  });
});
