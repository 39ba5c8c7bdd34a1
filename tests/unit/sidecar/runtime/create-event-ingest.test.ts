import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { tagConfigMapName } from "../../../../src/core/tags/tag-configmap.ts";
import type { CloudCredentials } from "../../../../src/sidecar/registry/cloud/create-cloud-credentials.ts";
import { registryError } from "../../../../src/sidecar/registry/registry-result.ts";
import type { RegistryCredentials } from "../../../../src/sidecar/registry/select-credentials.ts";
import type { InterestSet } from "../../../../src/sidecar/runtime/build-interest.ts";
import { createEventIngest } from "../../../../src/sidecar/runtime/create-event-ingest.ts";
import { createSidecarMetrics } from "../../../../src/sidecar/runtime/create-sidecar-metrics.ts";
import { createTagStore } from "../../../../src/sidecar/runtime/create-tag-store.ts";
import type { ImageEvent } from "../../../../src/sidecar/webhooks/vendors/image-event.ts";
import { fakeRegistryClient } from "../../../helpers/registry-fake-client.ts";
import { fakeSidecarKube } from "./fake-sidecar-kube.ts";

const used = "reg.example.com/shop/web";
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const event = (repository: string, tag?: string, payloadDigest?: string): ImageEvent => ({
  vendor: "distribution",
  registry: repository.slice(0, repository.indexOf("/")),
  repository: repository.slice(repository.indexOf("/") + 1),
  ...(tag === undefined ? {} : { tag }),
  ...(payloadDigest === undefined ? {} : { digest: payloadDigest }),
});

function setup(
  interest: InterestSet | undefined,
  registry: Parameters<typeof fakeRegistryClient>[0],
  onSleep: () => void = () => {},
  cloudCredentials?: CloudCredentials,
) {
  const fake = fakeSidecarKube();
  const register = new Registry();
  const metrics = createSidecarMetrics(register);
  const logger = pino({ level: "silent" });
  const store = createTagStore({ kube: fake.kube, namespace: "headwind", metrics, logger, clock: Date.now });
  const fakeClient = fakeRegistryClient(registry);
  const { calls } = fakeClient;
  // The shared fake has no refused HEAD; a digest of "unauthorized" stands for one here.
  // Who each HEAD was asked as (undefined: anonymous).
  const users: (string | undefined)[] = [];
  const client = {
    headDigest: async (key: string, tag: string, credentials?: RegistryCredentials) => {
      users.push(credentials?.username);
      return registry[key]?.digests?.[tag] === "unauthorized"
        ? { ok: false as const, error: registryError("unauthorized", "reg", "credentials rejected", 401) }
        : fakeClient.client.headDigest(key, tag);
    },
  };
  const loaded: string[][] = [];
  const slept: number[] = [];
  const onEvents = createEventIngest({
    interest: () => interest,
    client,
    loadDockerConfigs: async (refs) => {
      loaded.push(refs.map((r) => `${r.namespace}/${r.name}`));
      return [];
    },
    store,
    metrics,
    logger,
    sleep: async (ms) => {
      slept.push(ms);
      onSleep();
    },
    ...(cloudCredentials === undefined ? {} : { cloudCredentials }),
  });
  const ignored = async () =>
    (await register.getSingleMetric("headwind_sidecar_ignored_events_total")?.get())?.values.map(
      (v) => `${v.labels.reason} ${v.value}`,
    );
  const data = () => fake.state.configMaps.get(`headwind/${tagConfigMapName(used)}`)?.data;
  return { onEvents, calls, loaded, ignored, data, fake, slept, users };
}

const interest: InterestSet = {
  poll: [],
  repositories: new Map([[used, [{ namespace: "shop", name: "regcred" }]]]),
};

describe("createEventIngest (onEvents)", () => {
  it("confirms the tag with one HEAD (with the repository's credentials) and records the registry's digest", async () => {
    const k = setup(interest, { [used]: { tags: ["1.1.0"], digests: { "1.1.0": digest("a") } } });
    await k.onEvents([event(used, "1.1.0", digest("f"))], "registry");
    expect(k.calls).toEqual([`head ${used}:1.1.0`]);
    expect(k.loaded).toEqual([["shop/regcred"]]);
    expect(k.data()?.tags).toBe("1.1.0");
    expect(JSON.parse(k.data()?.digests ?? "")).toEqual({ "1.1.0": digest("a") });
  });

  it("ignores (and counts) a repository no workload uses, without any registry request", async () => {
    const k = setup(interest, {});
    await k.onEvents([event("evil.example.com/x/y", "1.0.0"), event("reg.example.com/shop/other", "2")], "s");
    expect(k.calls).toEqual([]);
    expect(k.fake.calls).toEqual([]);
    expect(await k.ignored()).toEqual(["not_in_use 2"]);
  });

  it("never records a tag the registry does not have (a forged payload)", async () => {
    const k = setup(interest, { [used]: { tags: [], digests: {} } });
    await k.onEvents([event(used, "6.6.6", digest("e"))], "s");
    // Asked twice, half a second apart: distribution notifies before it links the tag.
    expect(k.calls).toEqual([`head ${used}:6.6.6`, `head ${used}:6.6.6`]);
    expect(k.slept).toEqual([500]);
    expect(k.data()).toBeUndefined();
    expect(await k.ignored()).toEqual(["not_in_registry 1"]);
  });

  it("records a tag the registry links just after notifying (404, then found on the second HEAD)", async () => {
    const digests: Record<string, string> = {};
    // The tag appears while the ingest waits.
    const k = setup(interest, { [used]: { tags: [], digests } }, () => {
      digests["1.3.0"] = digest("c");
    });
    await k.onEvents([event(used, "1.3.0")], "s");
    expect(k.calls).toEqual([`head ${used}:1.3.0`, `head ${used}:1.3.0`]);
    expect(k.data()?.tags).toBe("1.3.0");
  });

  it("counts events without a tag, and tags our credentials cannot confirm, as ignored", async () => {
    const k = setup(interest, { [used]: { tags: ["1.0.0"], digests: { "1.0.0": "unauthorized" } } });
    await k.onEvents([event(used), event(used, "1.0.0")], "s");
    expect(k.data()).toBeUndefined();
    expect(await k.ignored()).toEqual(["no_tag 1", "unconfirmed 1"]);
  });

  it("fails the delivery (503 upstream) when the registry cannot be asked, so the vendor retries", async () => {
    const k = setup(interest, { [used]: { tags: ["1.0.0"], digests: { "1.0.0": "fail" } } });
    await expect(k.onEvents([event(used, "1.0.0")], "s")).rejects.toThrow(/could not confirm/);
    expect(k.data()).toBeUndefined();
  });

  it("fails until the first interest LIST succeeded", async () => {
    const k = setup(undefined, {});
    await expect(k.onEvents([event(used, "1.0.0")], "s")).rejects.toThrow("not loaded");
  });

  it("one write per repository for a delivery with several tags; duplicates HEADed once", async () => {
    const k = setup(interest, {
      [used]: { tags: ["1.0.0", "1.1.0"], digests: { "1.0.0": digest("a"), "1.1.0": digest("b") } },
    });
    await k.onEvents([event(used, "1.0.0"), event(used, "1.1.0"), event(used, "1.0.0")], "s");
    expect(k.calls).toEqual([`head ${used}:1.0.0`, `head ${used}:1.1.0`]);
    expect(k.fake.calls.filter((c) => c.startsWith("apply"))).toHaveLength(1);
    expect(k.data()?.tags).toBe("1.0.0\n1.1.0");
  });

  it("confirms with cloud credentials when no pull secret matches", async () => {
    const cloud: CloudCredentials = async () => ({ ok: true, value: { username: "AWS", password: "p" } });
    const k = setup(
      interest,
      { [used]: { tags: ["1.1.0"], digests: { "1.1.0": digest("a") } } },
      () => {},
      cloud,
    );
    await k.onEvents([event(used, "1.1.0")], "ecr");
    expect(k.users).toEqual(["AWS"]);
    expect(k.data()?.tags).toBe("1.1.0");
  });

  it("acknowledges without recording when the cloud refuses the identity; fails the delivery when it is unreachable", async () => {
    const refused: CloudCredentials = async (registry) => ({
      ok: false,
      error: registryError("unauthorized", registry, "aws credentials: AccessDenied"),
    });
    const k = setup(
      interest,
      { [used]: { tags: ["1.1.0"], digests: { "1.1.0": digest("a") } } },
      () => {},
      refused,
    );
    await k.onEvents([event(used, "1.1.0"), event(used, "1.2.0")], "ecr");
    expect(k.calls).toEqual([]);
    expect(await k.ignored()).toEqual(["unconfirmed 2"]);

    const unreachable: CloudCredentials = async (registry) => ({
      ok: false,
      error: registryError("unavailable", registry, "gcp credentials: metadata server down"),
    });
    const down = setup(interest, {}, () => {}, unreachable);
    await expect(down.onEvents([event(used, "1.1.0")], "gar")).rejects.toThrow(
      /could not confirm .*metadata server down/,
    );
  });
});
