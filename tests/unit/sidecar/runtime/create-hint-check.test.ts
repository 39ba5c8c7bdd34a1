import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { tagConfigMapName } from "../../../../src/core/tags/tag-configmap.ts";
import { createCredentialResolver } from "../../../../src/sidecar/poller/create-credential-resolver.ts";
import type { NamespaceUse, SecretRef } from "../../../../src/sidecar/poller/merge-interest.ts";
import type { RegistryClient } from "../../../../src/sidecar/registry/create-registry-client.ts";
import { registryError } from "../../../../src/sidecar/registry/registry-result.ts";
import type { InterestSet } from "../../../../src/sidecar/runtime/build-interest.ts";
import { createHintCheck } from "../../../../src/sidecar/runtime/create-hint-check.ts";
import { createSidecarMetrics } from "../../../../src/sidecar/runtime/create-sidecar-metrics.ts";
import { createTagStore } from "../../../../src/sidecar/runtime/create-tag-store.ts";
import { type FakeRepository, fakeRegistryClient } from "../../../helpers/registry-fake-client.ts";
import { fakeSidecarKube } from "./fake-sidecar-kube.ts";

const used = "reg.example.com/shop/web";
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const shop: NamespaceUse = {
  namespace: "shop",
  pullSecrets: [{ namespace: "shop", name: "regcred" }],
  digestTags: [],
};

function setup(
  registry: Record<string, FakeRepository>,
  options: { uses?: NamespaceUse[]; secrets?: Record<string, unknown>; onSleep?: () => void } = {},
) {
  const fake = fakeSidecarKube();
  const register = new Registry();
  const metrics = createSidecarMetrics(register);
  const logger = pino({ level: "silent" });
  const store = createTagStore({ kube: fake.kube, namespace: "headwind", metrics, logger, clock: Date.now });
  const fakeClient = fakeRegistryClient(registry);
  // The shared fake has no refused HEAD; a digest of "unauthorized" stands for one here.
  const client: RegistryClient = {
    listTags: fakeClient.client.listTags,
    headDigest: async (key, tag, credentials) =>
      registry[key]?.digests?.[tag] === "unauthorized"
        ? { ok: false, error: registryError("unauthorized", "reg", "credentials rejected", 401) }
        : fakeClient.client.headDigest(key, tag, credentials),
    imageCreated: fakeClient.client.imageCreated,
  };
  const loaded: string[] = [];
  const slept: number[] = [];
  const interest: InterestSet = { poll: [], repositories: new Map([[used, options.uses ?? [shop]]]) };
  const check = createHintCheck({
    interest: () => interest,
    client,
    resolveScopes: createCredentialResolver({
      loadDockerConfigs: async (refs: readonly SecretRef[]) => {
        loaded.push(...refs.map((r) => `${r.namespace}/${r.name}`));
        return refs.flatMap((r) => options.secrets?.[`${r.namespace}/${r.name}`] ?? []);
      },
      sharedCredentials: async () => undefined,
    }),
    store,
    metrics,
    logger,
    sleep: async (ms) => {
      slept.push(ms);
      options.onSleep?.();
    },
  });
  const ignored = async () =>
    (await register.getSingleMetric("headwind_sidecar_ignored_events_total")?.get())?.values.map(
      (v) => `${v.labels.reason} ${v.value}`,
    );
  const data = (namespace?: string) =>
    fake.state.configMaps.get(`headwind/${tagConfigMapName(used, namespace)}`)?.data;
  return { check, calls: fakeClient.calls, loaded, ignored, data, fake, slept };
}

const hint = (tags: string[], relist = false, repository = used) => ({
  repository,
  tags: new Set(tags),
  relist,
});

describe("createHintCheck", () => {
  it("confirms each tag with one HEAD (with the scope's credentials) and records the registry's digest", async () => {
    const k = setup({ [used]: { tags: ["1.1.0"], digests: { "1.1.0": digest("a") } } });
    await k.check(hint(["1.1.0"]));
    expect(k.calls).toEqual([`head ${used}:1.1.0`]);
    expect(k.loaded).toEqual(["shop/regcred"]);
    expect(k.data()?.tags).toBe("1.1.0");
    expect(JSON.parse(k.data()?.digests ?? "")).toEqual({ "1.1.0": digest("a") });
  });

  it("never records a tag the registry does not have (a forged payload)", async () => {
    const k = setup({ [used]: { tags: [], digests: {} } });
    await k.check(hint(["6.6.6"]));
    // Asked twice, half a second apart: distribution notifies before it links the tag.
    expect(k.calls).toEqual([`head ${used}:6.6.6`, `head ${used}:6.6.6`]);
    expect(k.slept).toEqual([500]);
    expect(k.data()).toBeUndefined();
    expect(await k.ignored()).toEqual(["not_in_registry 1"]);
  });

  it("records a tag the registry links just after notifying (404, then found on the second HEAD)", async () => {
    const digests: Record<string, string> = {};
    const k = setup({ [used]: { tags: [], digests } }, { onSleep: () => (digests["1.3.0"] = digest("c")) });
    await k.check(hint(["1.3.0"]));
    expect(k.calls).toEqual([`head ${used}:1.3.0`, `head ${used}:1.3.0`]);
    expect(k.data()?.tags).toBe("1.3.0");
  });

  it("counts tags our credentials cannot confirm, and registry failures, as unconfirmed", async () => {
    const k = setup({
      [used]: { tags: ["1.0.0", "1.1.0"], digests: { "1.0.0": "unauthorized", "1.1.0": "fail" } },
    });
    await k.check(hint(["1.0.0", "1.1.0"]));
    expect(k.data()).toBeUndefined();
    expect(await k.ignored()).toEqual(["unconfirmed 2"]);
  });

  it("re-lists instead of HEADing: one listing plus the followed digest tags, merged", async () => {
    const uses = [{ ...shop, digestTags: ["latest"] }];
    const k = setup(
      { [used]: { tags: ["1.0.0", "1.1.0", "latest"], digests: { latest: digest("c") } } },
      { uses },
    );
    await k.check(hint([], true));
    expect(k.calls).toEqual([`list ${used}`, `head ${used}:latest`]);
    expect(k.data()?.tags).toBe("1.0.0\n1.1.0\nlatest");
    expect(JSON.parse(k.data()?.digests ?? "")).toEqual({ latest: digest("c") });
  });

  it("on a re-list, HEADs a hinted tag the listing does not show yet", async () => {
    const k = setup({ [used]: { tags: ["1.0.0"], digests: { "1.2.0": digest("b") } } });
    await k.check(hint(["1.0.0", "1.2.0"], true));
    expect(k.calls).toEqual([`list ${used}`, `head ${used}:1.2.0`]);
    expect(k.data()?.tags).toBe("1.0.0\n1.2.0");
  });

  it("checks every credential scope with its own credentials, into its own ConfigMap", async () => {
    const secrets = { "team-a/pull": { auths: { "reg.example.com": { username: "a", password: "pw" } } } };
    const uses: NamespaceUse[] = [
      { namespace: "team-a", pullSecrets: [{ namespace: "team-a", name: "pull" }], digestTags: [] },
      { namespace: "team-b", pullSecrets: [], digestTags: [] },
    ];
    const k = setup({ [used]: { tags: ["1.0.0"], digests: { "1.0.0": digest("a") } } }, { uses, secrets });
    await k.check(hint([], true));
    expect(k.calls).toEqual([`list ${used} as a`, `list ${used}`]);
    expect(k.data("team-a")?.namespace).toBe("team-a");
    expect(k.data()?.namespace).toBeUndefined();
  });

  it("drops a hint for a repository no longer in use, unasked", async () => {
    const k = setup({});
    await k.check(hint(["1.0.0"], false, "reg.example.com/gone"));
    expect(k.calls).toEqual([]);
    expect(await k.ignored()).toEqual(["not_in_use 1"]);
  });
});
