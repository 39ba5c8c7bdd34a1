import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { annotations } from "../../../../src/core/metadata-keys.ts";
import { buildTagConfigMap, tagConfigMapName } from "../../../../src/core/tags/tag-configmap.ts";
import { KubeApiError } from "../../../../src/kube/kube-api-error.ts";
import { createSidecarMetrics } from "../../../../src/sidecar/runtime/create-sidecar-metrics.ts";
import { createTagStore } from "../../../../src/sidecar/runtime/create-tag-store.ts";
import { fakeSidecarKube } from "./fake-sidecar-kube.ts";

const repo = "reg.example.com/shop/web";
const name = tagConfigMapName(repo);
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const confirmed = (tag: string, d: string) => ({ tags: [tag], digests: { [tag]: d } });

const nowSeconds = Date.parse("2026-11-25T12:00:00Z") / 1000;

function setup(clock = { now: nowSeconds * 1000 }) {
  const fake = fakeSidecarKube();
  const register = new Registry();
  const metrics = createSidecarMetrics(register);
  const store = createTagStore({
    kube: fake.kube,
    namespace: "headwind",
    metrics,
    logger: pino({ level: "silent" }),
    clock: () => clock.now,
  });
  const writes = async () =>
    (await register.getSingleMetric("headwind_sidecar_configmap_writes_total")?.get())?.values.map(
      (v) => `${v.labels.result} ${v.value}`,
    );
  return { fake, store, writes };
}

describe("createTagStore", () => {
  it("writes a poll result by server-side apply as headwind-sidecar, then skips the same content", async () => {
    const { fake, store, writes } = setup();
    await store.reload();
    const observed = { repository: repo, tags: ["1.0.0", "1.1.0"], digests: {}, truncated: false };
    expect(await store.write(observed)).toBe("applied");
    expect(await store.write({ ...observed, tags: ["1.1.0", "1.0.0"] })).toBe("unchanged");
    expect(fake.calls).toEqual([
      "listConfigMaps headwind",
      `applyConfigMap headwind/${name} headwind-sidecar`,
    ]);
    const times = { since: nowSeconds, created: {}, seen: {} };
    expect(fake.state.configMaps.get(`headwind/${name}`)?.data).toEqual(
      buildTagConfigMap({ ...observed, times }, "headwind").data,
    );
    expect(await writes()).toEqual(["applied 1", "unchanged 1"]);
  });

  it("knows what is there from the LIST: an unchanged poll after a restart costs no write", async () => {
    const { fake, store } = setup();
    const observed = { repository: repo, tags: ["1.0.0"], digests: {}, truncated: false };
    const times = { since: nowSeconds - 86_400, created: {}, seen: {} };
    await fake.kube.applyConfigMap(buildTagConfigMap({ ...observed, times }, "headwind"), "headwind-sidecar");
    fake.calls.length = 0;
    await store.reload();
    expect(await store.write(observed)).toBe("unchanged");
    expect(store.observed().map((o) => o.repository)).toEqual([repo]);
    expect(fake.calls).toEqual(["listConfigMaps headwind"]);
  });

  it("tag times: a first listing dates every tag from it; a later tag is seen then; a restart resets nothing", async () => {
    const clock = { now: nowSeconds * 1000 };
    const first = setup(clock);
    await first.store.write(
      { repository: repo, tags: ["1.0.0"], digests: {}, truncated: false },
      { "1.0.0": 1_700_000_000 },
    );
    clock.now += 3_600_000;
    await first.store.write({ repository: repo, tags: ["1.0.0", "1.1.0"], digests: {}, truncated: false });
    const timesOf = () =>
      JSON.parse(first.fake.state.configMaps.get(`headwind/${name}`)?.data?.times ?? "null");
    expect(timesOf()).toEqual({
      v: 1,
      since: nowSeconds,
      created: { "1.0.0": 1_700_000_000 },
      seen: { "1.1.0": nowSeconds + 3600 },
    });

    // Another replica (or a restart) starts from the LIST: the same listing later writes nothing.
    const restarted = createTagStore({
      kube: first.fake.kube,
      namespace: "headwind",
      metrics: createSidecarMetrics(new Registry()),
      logger: pino({ level: "silent" }),
      clock: () => clock.now + 86_400_000,
    });
    await restarted.reload();
    expect(
      await restarted.write({ repository: repo, tags: ["1.0.0", "1.1.0"], digests: {}, truncated: false }),
    ).toBe("unchanged");
    expect(restarted.observedIn({ repository: repo })?.times?.seen).toEqual({ "1.1.0": nowSeconds + 3600 });
  });

  it("a ConfigMap written before tag times existed gains them once, dated now", async () => {
    const { fake, store } = setup();
    const observed = { repository: repo, tags: ["1.0.0"], digests: {}, truncated: false };
    await fake.kube.applyConfigMap(buildTagConfigMap(observed, "headwind"), "headwind-sidecar");
    await store.reload();
    expect(await store.write(observed)).toBe("applied");
    expect(await store.write(observed)).toBe("unchanged");
    expect(store.observedIn({ repository: repo })?.times).toEqual({
      since: nowSeconds,
      created: {},
      seen: {},
    });
  });

  it("a webhook tag is dated from when it is merged: seen then, or the new ConfigMap's since", async () => {
    const clock = { now: nowSeconds * 1000 };
    const { store } = setup(clock);
    await store.merge({ repository: repo }, { tags: ["2.0.0"], digests: { "2.0.0": digest("c") } });
    clock.now += 60_000;
    await store.merge({ repository: repo }, { tags: ["2.1.0"], digests: { "2.1.0": digest("d") } });
    await store.reload();
    expect(store.observedIn({ repository: repo })?.times).toEqual({
      since: nowSeconds,
      created: {},
      seen: { "2.1.0": nowSeconds + 60 },
    });
  });

  it("a poll failure keeps the tag times; the next good read goes on from them", async () => {
    const clock = { now: nowSeconds * 1000 };
    const { store } = setup(clock);
    await store.write({ repository: repo, tags: ["1.0.0"], digests: {}, truncated: false });
    await store.recordFailure({ repository: repo }, "unavailable: cannot reach reg.example.com");
    clock.now += 60_000;
    await store.write({ repository: repo, tags: ["1.0.0", "1.1.0"], digests: {}, truncated: false });
    expect(store.observedIn({ repository: repo })?.times).toEqual({
      since: nowSeconds,
      created: {},
      seen: { "1.1.0": nowSeconds + 60 },
    });
  });

  it("an error recorded before any read leaves the first read a first listing", async () => {
    const { store } = setup();
    await store.recordFailure(
      { repository: repo },
      "not found: https://charts.example.com/index.yaml does not exist",
    );
    await store.write({ repository: repo, tags: ["1.0.0"], digests: {}, truncated: false });
    expect(store.observedIn({ repository: repo })?.times).toEqual({
      since: nowSeconds,
      created: {},
      seen: {},
    });
  });

  it("keeps each credential scope's tag times in its own ConfigMap", async () => {
    const clock = { now: nowSeconds * 1000 };
    const { store } = setup(clock);
    await store.write({ repository: repo, tags: ["1.0.0"], digests: {}, truncated: false });
    clock.now += 60_000;
    await store.write({
      repository: repo,
      namespace: "shop",
      tags: ["1.0.0"],
      digests: {},
      truncated: false,
    });
    clock.now += 60_000;
    const tags = ["1.0.0", "1.1.0"];
    await store.write({ repository: repo, tags, digests: {}, truncated: false });
    await store.write({ repository: repo, namespace: "shop", tags, digests: {}, truncated: false });
    await store.reload();
    expect(store.observedIn({ repository: repo })?.times).toEqual({
      since: nowSeconds,
      created: {},
      seen: { "1.1.0": nowSeconds + 120 },
    });
    expect(store.observedIn({ repository: repo, namespace: "shop" })?.times).toEqual({
      since: nowSeconds + 60,
      created: {},
      seen: { "1.1.0": nowSeconds + 120 },
    });
  });

  it("marks a listing cut short as truncated", async () => {
    const { fake, store } = setup();
    await store.write({ repository: repo, tags: ["1.0.0"], digests: {}, truncated: true });
    expect(fake.state.configMaps.get(`headwind/${name}`)?.data?.truncated).toBe("true");
  });

  it("merges webhook tags into the live ConfigMap, conditional on its resourceVersion", async () => {
    const { fake, store } = setup();
    await store.write({ repository: repo, tags: ["1.0.0"], digests: {}, truncated: false });
    fake.calls.length = 0;
    expect(await store.merge({ repository: repo }, confirmed("1.1.0", digest("b")))).toBe("applied");
    expect(await store.merge({ repository: repo }, confirmed("1.1.0", digest("b")))).toBe("unchanged");
    const data = fake.state.configMaps.get(`headwind/${name}`)?.data;
    expect(data?.tags).toBe("1.0.0\n1.1.0");
    expect(JSON.parse(data?.digests ?? "")).toEqual({ "1.1.0": digest("b") });
    expect(fake.calls).toEqual([
      `getConfigMap headwind/${name}`,
      `applyConfigMap headwind/${name} headwind-sidecar`,
      `getConfigMap headwind/${name}`,
    ]);
  });

  it("creates the ConfigMap when a webhook comes first", async () => {
    const { fake, store } = setup();
    await store.merge({ repository: repo }, confirmed("2.0.0", digest("c")));
    expect(fake.state.configMaps.get(`headwind/${name}`)?.data?.tags).toBe("2.0.0");
  });

  it("reads again and retries when another replica wrote in between (409), then gives up", async () => {
    const { fake, store, writes } = setup();
    await store.write({ repository: repo, tags: ["1.0.0"], digests: {}, truncated: false });
    const apply = fake.kube.applyConfigMap;
    let raced = false;
    fake.kube.applyConfigMap = async (cm, manager) => {
      if (!raced) {
        raced = true;
        // The other replica's write lands between our GET and our apply.
        await apply(
          { ...buildTagConfigMap({ repository: repo, tags: ["1.0.0", "0.9.0"], digests: {} }, "headwind") },
          manager,
        );
      }
      return apply(cm, manager);
    };
    await store.merge({ repository: repo }, confirmed("1.1.0", digest("b")));
    expect(fake.state.configMaps.get(`headwind/${name}`)?.data?.tags).toBe("0.9.0\n1.0.0\n1.1.0");
    expect(await writes()).toContain("conflict 1");

    fake.kube.applyConfigMap = async () => {
      throw new KubeApiError(409, "conflict", "Conflict");
    };
    await expect(store.merge({ repository: repo }, confirmed("1.2.0", digest("d")))).rejects.toThrow(
      "conflict",
    );
  });

  it("prunes ConfigMaps whose names are no longer in use, and only those", async () => {
    const { fake, store, writes } = setup();
    const other = "reg.example.com/shop/api";
    await store.write({ repository: repo, tags: ["1.0.0"], digests: {}, truncated: false });
    await store.write({ repository: other, tags: ["1.0.0"], digests: {}, truncated: false });
    await store.write({
      repository: repo,
      namespace: "team-a",
      tags: ["1.0.0"],
      digests: {},
      truncated: false,
    });
    await store.reload();
    expect(await store.prune(new Set([name]))).toEqual([
      tagConfigMapName(other),
      tagConfigMapName(repo, "team-a"),
    ]);
    expect([...fake.state.configMaps.keys()]).toEqual([`headwind/${name}`]);
    expect(await store.prune(new Set([name]))).toEqual([]);
    expect(await writes()).toContain("deleted 2");
  });

  it("keeps each credential scope in its own ConfigMap, merged and read back apart", async () => {
    const { fake, store } = setup();
    await store.merge({ repository: repo, namespace: "team-a" }, confirmed("1.0.0", digest("a")));
    await store.merge({ repository: repo }, { tags: ["0.9.0"], digests: {}, truncated: true });
    const scoped = fake.state.configMaps.get(`headwind/${tagConfigMapName(repo, "team-a")}`);
    expect(scoped?.data?.namespace).toBe("team-a");
    expect(scoped?.metadata.labels?.["headwind.sh/namespace"]).toBe("team-a");
    expect(fake.state.configMaps.get(`headwind/${name}`)?.data?.truncated).toBe("true");
    await store.reload();
    expect(
      store
        .observed()
        .map((o) => `${o.namespace ?? "shared"} ${o.tags}`)
        .sort(),
    ).toEqual(["shared 0.9.0", "team-a 1.0.0"]);
  });

  it("retires the ConfigMaps of namespaces that now read a repository as shared", async () => {
    const { fake, store } = setup();
    for (const namespace of ["team-a", "team-b"])
      await store.write({ repository: repo, namespace, tags: ["1.0.0"], digests: {}, truncated: false });
    fake.calls.length = 0;
    expect(await store.retire(repo, ["team-a", "team-c"])).toEqual([tagConfigMapName(repo, "team-a")]);
    expect([...fake.state.configMaps.keys()]).toEqual([`headwind/${tagConfigMapName(repo, "team-b")}`]);
    // Nothing cached for these namespaces: no API call at all.
    fake.calls.length = 0;
    expect(await store.retire(repo, ["team-c"])).toEqual([]);
    expect(fake.calls).toEqual([]);
  });

  it("leaves a ConfigMap alone when it changed since the LIST (409 on the conditional delete)", async () => {
    const { fake, store } = setup();
    await store.write({ repository: repo, tags: ["1.0.0"], digests: {}, truncated: false });
    await store.reload();
    await fake.kube.applyConfigMap(
      buildTagConfigMap({ repository: repo, tags: ["1.0.0", "1.1.0"], digests: {} }, "headwind"),
      "headwind-sidecar",
    );
    expect(await store.prune(new Set())).toEqual([]);
    expect(fake.state.configMaps.size).toBe(1);
  });

  describe("recordFailure", () => {
    const error = (live: { metadata: { annotations?: Record<string, string> } } | undefined) =>
      live?.metadata.annotations?.[annotations.pollError];

    it("creates an empty ConfigMap saying why a repository never polled; a repeat costs no call; success clears it", async () => {
      const { fake, store } = setup();
      await store.reload();
      const message = "unauthorized: aws credentials for 1.dkr.ecr: AccessDeniedException: denied";
      expect(await store.recordFailure({ repository: repo }, message)).toBe("applied");
      const live = fake.state.configMaps.get(`headwind/${name}`);
      expect(error(live)).toBe(message);
      expect(live?.data).toEqual(
        buildTagConfigMap({ repository: repo, tags: [], digests: {} }, "headwind").data,
      );
      fake.calls.length = 0;
      expect(await store.recordFailure({ repository: repo }, message)).toBe("unchanged");
      expect(fake.calls).toEqual([]);

      await store.write({ repository: repo, tags: ["1.0.0"], digests: {}, truncated: false });
      expect(error(fake.state.configMaps.get(`headwind/${name}`))).toBeUndefined();
      expect(fake.state.configMaps.get(`headwind/${name}`)?.data?.tags).toBe("1.0.0");
    });

    it("keeps the tags already observed, and writes the message as one bounded line", async () => {
      const { fake, store } = setup();
      await store.write({ repository: repo, tags: ["1.0.0", "1.1.0"], digests: {}, truncated: false });
      await store.recordFailure({ repository: repo }, `unavailable: line one\nline two ${"x".repeat(5000)}`);
      const live = fake.state.configMaps.get(`headwind/${name}`);
      expect(live?.data?.tags).toBe("1.0.0\n1.1.0");
      expect(error(live)?.startsWith("unavailable: line one line two x")).toBe(true);
      expect(error(live)).toHaveLength(1024);
    });

    it("is kept by a webhook merge: only a successful poll says the problem is gone", async () => {
      const { fake, store } = setup();
      await store.recordFailure({ repository: repo }, "unavailable: gcp credentials: metadata server down");
      await store.merge({ repository: repo }, confirmed("2.0.0", digest("c")));
      const live = fake.state.configMaps.get(`headwind/${name}`);
      expect(live?.data?.tags).toBe("2.0.0");
      expect(error(live)).toBe("unavailable: gcp credentials: metadata server down");
    });

    it("leaves a ConfigMap it cannot read alone", async () => {
      const { fake, store } = setup();
      const foreign = buildTagConfigMap({ repository: repo, tags: ["1.0.0"], digests: {} }, "headwind");
      await fake.kube.applyConfigMap({ ...foreign, data: { format: "someone-else/v9" } }, "someone-else");
      expect(await store.recordFailure({ repository: repo }, "unavailable: down")).toBe("unchanged");
      expect(fake.state.configMaps.get(`headwind/${name}`)?.data).toEqual({ format: "someone-else/v9" });
    });
  });
});
