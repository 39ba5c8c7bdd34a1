// The Metacontroller driver itself, on the real apiserver, with a scripted hook: what it selects,
// what it sends (v2 maps, related objects from other namespaces, one entry per type), what it
// applies (labels/annotations with null deletes, attachments created with owner reference and
// last-applied, InPlace vs OnDelete, omitted ones deleted) and what it refuses (non-200, strict
// v2 violations: nothing applied). The flows trust these behaviours; docs/design/metacontroller-contract.md.
import type { KubeConfig } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { adminConfig, applyObjects, createTestNamespace, kubeRequest, waitFor } from "../helpers/cluster.ts";
import type { DecoratorController } from "../helpers/metacontroller-controllers.ts";
import { createMetacontrollerDriver } from "../helpers/metacontroller-driver.ts";

let kc: KubeConfig;

beforeAll(() => {
  kc = adminConfig();
});

type Body = Record<string, unknown>;
interface Call {
  path: string;
  body: Body;
}

/** A hook body sent as is (not JSON-encoded). */
class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

function scripted() {
  const calls: Call[] = [];
  let answer: (body: Body) => { status?: number; body: unknown } = () => ({ body: { attachments: [] } });
  let related: unknown = { relatedResources: [] };
  const fetch = async (request: Request) => {
    const path = new URL(request.url).pathname;
    const body = (await request.json()) as Body;
    calls.push({ path, body });
    const out = path === "/customize" ? { body: related } : answer(body);
    const text = out.body instanceof Raw ? out.body.text : JSON.stringify(out.body);
    return new Response(text, {
      status: out.status ?? 200,
      headers: { "content-type": "application/json" },
    });
  };
  return {
    calls,
    fetch,
    answer: (f: typeof answer) => {
      answer = f;
    },
    relate: (rules: unknown) => {
      related = { relatedResources: rules };
    },
    syncs: () => calls.filter((c) => c.path === "/sync"),
  };
}

function controller(name: string): DecoratorController {
  return {
    apiVersion: "metacontroller.k8s.io/v1alpha1",
    kind: "DecoratorController",
    metadata: { name },
    spec: {
      resources: [
        {
          apiVersion: "v1",
          resource: "configmaps",
          labelSelector: { matchLabels: { role: "parent" } },
          annotationSelector: { matchExpressions: [{ key: "contract/on", operator: "Exists" }] },
        },
      ],
      attachments: [
        { apiVersion: "v1", resource: "secrets", updateStrategy: { method: "InPlace" } },
        { apiVersion: "v1", resource: "serviceaccounts" },
      ],
      hooks: {
        sync: { version: "v2", webhook: { url: "http://hook.test/sync" } },
        customize: { version: "v2", webhook: { url: "http://hook.test/customize" } },
      },
    },
  };
}

async function setup(trigger: "always" | "changes" = "always") {
  const ns = await createTestNamespace(kc, "hw-mc");
  const other = await createTestNamespace(kc, "hw-mc-src");
  const parent = (name: string, labels: Record<string, string>, annotations: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, labels, annotations },
    data: { k: "v" },
  });
  await applyObjects(
    kc,
    [
      parent("p1", { role: "parent" }, { "contract/on": "", gone: "soon", kept: "yes" }),
      parent("p2", { role: "parent" }, {}),
      parent("p3", {}, { "contract/on": "" }),
    ],
    { namespace: ns },
  );
  await applyObjects(kc, [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "source" } }], {
    namespace: other,
  });
  const hook = scripted();
  const driver = createMetacontrollerDriver({
    kubeConfig: kc,
    controllers: [controller(`contract-${ns}`)],
    fetch: hook.fetch,
    namespaces: [ns],
    trigger,
  });
  const get = async (path: string) =>
    (await kubeRequest(kc, "GET", `/api/v1/namespaces/${ns}/${path}`)) as Body;
  return { ns, other, hook, driver, get, dcName: `contract-${ns}` };
}

const secret = (name: string, value: string) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name },
  stringData: { value },
});
const account = (name: string, label: string) => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, labels: { v: label } },
});

describe("Metacontroller driver contract", () => {
  it("selects by both selectors, sends v2 maps with related objects from any namespace, caches customize", async () => {
    const { ns, other, hook, driver, dcName } = await setup();
    hook.relate([{ apiVersion: "v1", resource: "configmaps", namespace: other, names: ["source"] }]);
    await driver.reconcileOnce();
    await driver.reconcileOnce();
    const syncs = hook.syncs();
    expect(syncs.map((s) => (s.body.object as { metadata: { name: string } }).metadata.name)).toEqual([
      "p1",
      "p1",
    ]);
    const body = syncs[0]?.body as Body;
    expect(Object.keys(body).sort()).toEqual([
      "attachments",
      "controller",
      "finalizing",
      "object",
      "related",
    ]);
    expect(body.finalizing).toBe(false);
    expect((body.controller as DecoratorController).metadata.name).toBe(dcName);
    expect(body.object).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: ns } });
    expect(body.attachments).toEqual({ "Secret.v1": {}, "ServiceAccount.v1": {} });
    expect(Object.keys((body.related as Record<string, Body>)["ConfigMap.v1"] ?? {})).toEqual([
      `${other}/source`,
    ]);
    // Customize is asked once per (uid, generation).
    expect(hook.calls.filter((c) => c.path === "/customize").length).toBe(1);
  });

  it("applies labels/annotations (null deletes), creates, updates InPlace, leaves OnDelete, deletes the omitted", async () => {
    const { ns, hook, driver, get, dcName } = await setup();
    hook.answer(() => ({
      body: {
        labels: { stamped: "1" },
        annotations: { gone: null, added: "x" },
        status: null,
        attachments: [secret("s1", "one"), account("a1", "one")],
      },
    }));
    const first = await driver.reconcileOnce();
    expect(first.errors).toEqual([]);
    const p1 = (await get("configmaps/p1")) as { metadata: { uid: string; labels: Body; annotations: Body } };
    expect(p1.metadata.labels).toEqual({ role: "parent", stamped: "1" });
    expect(p1.metadata.annotations).toEqual({ "contract/on": "", kept: "yes", added: "x" });
    const s1 = (await get("secrets/s1")) as {
      metadata: { annotations: Record<string, string>; ownerReferences: Body[] };
    };
    expect(s1.metadata.ownerReferences).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        name: "p1",
        uid: p1.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(s1.metadata.annotations["metacontroller.k8s.io/decorator-controller"]).toBe(dcName);
    expect(
      JSON.parse(s1.metadata.annotations["metacontroller.k8s.io/last-applied-configuration"] ?? ""),
    ).toEqual({
      ...secret("s1", "one"),
      metadata: {
        name: "s1",
        namespace: ns,
        annotations: { "metacontroller.k8s.io/decorator-controller": dcName },
      },
    });
    // The next sync sees them as attachments.
    hook.answer((body) => {
      expect(Object.keys((body.attachments as Record<string, Body>)["Secret.v1"] ?? {}).length).toBe(1);
      return { body: { attachments: [secret("s1", "two"), account("a1", "two")] } };
    });
    const second = await driver.reconcileOnce();
    expect(second.errors).toEqual([]);
    expect(second.synced[0]?.updated).toEqual([`Secret ${ns}/s1`]);
    const data = ((await get("secrets/s1")) as { data: Record<string, string> }).data;
    expect(Buffer.from(data.value ?? "", "base64").toString()).toBe("two");
    expect(((await get("serviceaccounts/a1")) as { metadata: { labels: Body } }).metadata.labels).toEqual({
      v: "one",
    });

    hook.answer(() => ({ body: { attachments: [secret("s1", "two")] } }));
    const third = await driver.reconcileOnce();
    expect(third.synced[0]?.deleted).toEqual([`ServiceAccount ${ns}/a1`]);
    await expect(get("serviceaccounts/a1")).rejects.toThrow(/404/);
  });

  it("applies nothing for a non-200, invalid JSON or a strict v2 violation; a 200 {} deletes every attachment", async () => {
    const { hook, driver, get } = await setup();
    hook.answer(() => ({ body: { attachments: [secret("s1", "one")] } }));
    await driver.reconcileOnce();
    const bad: { status?: number; body: unknown }[] = [
      { status: 500, body: { error: "boom" } },
      { body: new Raw("<html>not json</html>") },
      { body: { attachments: [], spec: { replicas: 3 } } },
      { body: { Attachments: [] } },
      { body: { annotations: { added: 5 }, attachments: [] } },
    ];
    for (const answer of bad) {
      hook.answer(() => answer);
      const pass = await driver.reconcileOnce();
      expect(pass.errors.map((e) => e.parent)).toEqual([expect.stringMatching(/\/p1$/)]);
      expect(pass.writes).toBe(0);
      await expect(get("secrets/s1")).resolves.toBeDefined();
    }
    // The documented danger: a valid 200 without attachments means "none wanted".
    hook.answer(() => ({ body: {} }));
    const emptied = await driver.reconcileOnce();
    expect(emptied.errors).toEqual([]);
    await expect(get("secrets/s1")).rejects.toThrow(/404/);
  });

  it('"changes" trigger: settles once answers are stable, and reports a hot loop when an annotation never is', async () => {
    const { ns, hook, driver } = await setup("changes");
    hook.answer(() => ({ body: { annotations: { checked: "yes" }, attachments: [secret("s1", "one")] } }));
    const settled = await driver.settle();
    // Sync, the own write wakes it once more, nothing changes, quiet.
    expect(settled.map((r) => r.synced.length)).toEqual([1, 1, 0]);
    expect(settled[1]?.synced[0]?.reason).toBe("changed");

    let n = 0;
    hook.answer(() => ({
      body: { annotations: { checked: `at-${n++}` }, attachments: [secret("s1", "one")] },
    }));
    // A new hook answer is no watch event: nothing syncs until the parent changes.
    expect((await driver.reconcileOnce()).synced).toEqual([]);
    await kubeRequest(
      kc,
      "PATCH",
      `/api/v1/namespaces/${ns}/configmaps/p1`,
      { metadata: { labels: { touched: "1" } } },
      "application/merge-patch+json",
    );
    await expect(driver.settle({ maxPasses: 5 })).rejects.toThrow(/no fixpoint after 5 passes/);
  });

  it("run(): passes every intervalMs until aborted (what a long-running demo uses)", async () => {
    const { hook, driver, get } = await setup("changes");
    hook.answer(() => ({ body: { attachments: [secret("s1", "one")] } }));
    const abort = new AbortController();
    const running = driver.run({ intervalMs: 20, signal: abort.signal });
    await waitFor("the attachment to be created by the loop", () => get("secrets/s1").then(() => true));
    await waitFor("a few more passes", async () => driver.stats.passes >= 4);
    abort.abort();
    await running;
    const passes = driver.stats.passes;
    await new Promise((r) => setTimeout(r, 100));
    expect(driver.stats.passes).toBe(passes);
    expect(driver.stats.hookCalls.sync).toBe(2);
  });
});
