// The pure parts of the Metacontroller driver: selectors, the three-way merge of dynamic apply,
// strict v2 response decoding, object-map keys, Go durations.
import { describe, expect, it } from "vitest";
import {
  applyUpdate,
  canonicalJson,
  type JsonObject,
  lastAppliedAnnotation,
  prepareCreate,
} from "../../helpers/metacontroller-apply.ts";
import { hookUrl, isStrict } from "../../helpers/metacontroller-controllers.ts";
import {
  annotationSelectorMatches,
  labelSelectorMatches,
  selectorQuery,
} from "../../helpers/metacontroller-selectors.ts";
import {
  HookResponseError,
  objectKey,
  parseCustomizeResponse,
  parseDecoratorResponse,
  parseGoDuration,
} from "../../helpers/metacontroller-wire.ts";

describe("selectors", () => {
  const labels = { app: "web", tier: "front" };
  it.each([
    [undefined, true],
    [{}, true],
    [{ matchLabels: { app: "web" } }, true],
    [{ matchLabels: { app: "api" } }, false],
    [{ matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }] }, true],
    [{ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }, false],
    [{ matchExpressions: [{ key: "missing", operator: "NotIn", values: ["x"] }] }, true],
    [{ matchExpressions: [{ key: "app", operator: "Exists" }] }, true],
    [{ matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, false],
  ])("label selector %j matches app=web,tier=front: %s", (selector, expected) => {
    expect(labelSelectorMatches(selector, labels)).toBe(expected);
  });

  it("annotationSelector reads metadata.annotations, matchAnnotations and expressions", () => {
    const selector = {
      matchAnnotations: { "headwind.sh/policy": "minor" },
      matchExpressions: [{ key: "headwind.sh/policy", operator: "Exists" }],
    };
    expect(annotationSelectorMatches(selector, { "headwind.sh/policy": "minor" })).toBe(true);
    expect(annotationSelectorMatches(selector, { "headwind.sh/policy": "major" })).toBe(false);
    expect(annotationSelectorMatches(selector, undefined)).toBe(false);
  });

  it("refuses operators the apiserver refuses", () => {
    expect(() => labelSelectorMatches({ matchExpressions: [{ key: "a", operator: "Gt" }] }, {})).toThrow(
      /operator/,
    );
    expect(() => labelSelectorMatches({ matchExpressions: [{ key: "a", operator: "In" }] }, {})).toThrow(
      /values/,
    );
  });

  it("builds the labelSelector query", () => {
    expect(
      selectorQuery({
        matchLabels: { app: "web" },
        matchExpressions: [
          { key: "tier", operator: "In", values: ["b", "a"] },
          { key: "x", operator: "NotIn", values: ["1"] },
          { key: "y", operator: "Exists" },
          { key: "z", operator: "DoesNotExist" },
        ],
      }),
    ).toBe("app=web,tier in (a,b),x notin (1),y,!z");
  });
});

describe("dynamic apply (three-way merge)", () => {
  const owner = { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "u1", controller: true };

  it("creates with last-applied (sorted keys, without itself) and the controller reference", () => {
    const created = prepareCreate(
      { kind: "X", metadata: { name: "a", annotations: { k: "v" } }, spec: { b: 1, a: 2 } },
      owner,
    );
    const meta = created.metadata as JsonObject;
    expect((meta.annotations as Record<string, string>)[lastAppliedAnnotation]).toBe(
      '{"kind":"X","metadata":{"annotations":{"k":"v"},"name":"a"},"spec":{"a":2,"b":1}}',
    );
    expect(meta.ownerReferences).toEqual([owner]);
  });

  it("sets desired, removes what was applied before and is gone, keeps others' fields, never status", () => {
    const desired = { kind: "X", metadata: { name: "a" }, spec: { keep: 1, change: 2 } };
    const observed = prepareCreate(
      { kind: "X", metadata: { name: "a" }, spec: { keep: 1, change: 1, drop: 1 } },
      owner,
    );
    Object.assign(observed.spec as JsonObject, { theirs: true });
    observed.status = { phase: "Pending" };
    (observed.metadata as JsonObject).resourceVersion = "7";
    const merged = applyUpdate(observed, { ...desired, status: { phase: "Mine" } });
    expect(merged.spec).toEqual({ keep: 1, change: 2, theirs: true });
    expect(merged.status).toEqual({ phase: "Pending" });
    expect((merged.metadata as JsonObject).resourceVersion).toBe("7");
    expect((merged.metadata as JsonObject).ownerReferences).toEqual([owner]);
  });

  it("returning the same desired object again changes nothing", () => {
    const desired = {
      kind: "X",
      metadata: { name: "a", annotations: { d: "c" } },
      spec: { list: [{ name: "x", v: 1 }] },
    };
    const observed = prepareCreate(desired, owner);
    expect(canonicalJson(applyUpdate(observed, desired))).toBe(canonicalJson(observed));
  });

  it("merges lists of objects by a conventional key, replaces other lists", () => {
    const observed: JsonObject = {
      spec: {
        containers: [
          { name: "a", image: "1", theirs: 1 },
          { name: "b", image: "1" },
        ],
        args: ["x", "y"],
      },
    };
    const merged = applyUpdate(observed, { spec: { containers: [{ name: "a", image: "2" }], args: ["z"] } });
    expect((merged.spec as JsonObject).containers).toEqual([
      { name: "a", image: "2", theirs: 1 },
      { name: "b", image: "1" },
    ]);
    expect((merged.spec as JsonObject).args).toEqual(["z"]);
  });
});

describe("strict v2 responses", () => {
  it("decodes a decorator answer; null status means leave it", () => {
    expect(
      parseDecoratorResponse({ annotations: { a: "1", b: null }, status: null, attachments: [] }, true),
    ).toEqual({
      labels: {},
      annotations: { a: "1", b: null },
      status: null,
      attachments: [],
      resyncAfterSeconds: 0,
      finalized: false,
    });
  });

  it.each([
    [{ attachments: [], spec: {} }, /unknown field/],
    [{ Attachments: [] }, /unknown field/],
    [{ labels: { a: 1 } }, /expected a string or null/],
    [{ status: "x" }, /status/],
    [{ attachments: [{ apiVersion: "v1", kind: "X", metadata: {} }] }, /metadata.name/],
    [{ resyncAfterSeconds: "5" }, /number/],
    [[], /JSON object/],
  ])("refuses %j", (body, message) => {
    expect(() => parseDecoratorResponse(body, true)).toThrow(HookResponseError);
    expect(() => parseDecoratorResponse(body, true)).toThrow(message);
  });

  it("loose mode ignores unknown top-level fields", () => {
    expect(parseDecoratorResponse({ spec: {} }, false).attachments).toEqual([]);
  });

  it("decodes customize rules and enforces the combination rules", () => {
    expect(
      parseCustomizeResponse(
        {
          relatedResources: [
            {
              apiVersion: "v1",
              resource: "pods",
              namespace: "a",
              labelSelector: { matchLabels: { x: "y" } },
            },
          ],
        },
        true,
      ),
    ).toEqual([
      { apiVersion: "v1", resource: "pods", namespace: "a", labelSelector: { matchLabels: { x: "y" } } },
    ]);
    const bad = (rule: object) => () => parseCustomizeResponse({ relatedResources: [rule] }, true);
    expect(bad({ apiVersion: "v1", resource: "pods", names: ["a"], labelSelector: {} })).toThrow(
      /names cannot/,
    );
    expect(bad({ apiVersion: "v1", resource: "pods", namespace: "a", namespaceSelector: {} })).toThrow(
      /namespace cannot/,
    );
    expect(bad({ apiVersion: "v1", resource: "pods", selector: {} })).toThrow(/unknown field/);
  });
});

describe("keys, URLs, durations", () => {
  it("keys objects the v2 way", () => {
    expect(objectKey({ metadata: { name: "a", namespace: "ns" } })).toBe("ns/a");
    expect(objectKey({ metadata: { name: "node-1" } })).toBe("node-1");
  });

  it("rewrites service webhooks to the base URL; url wins", () => {
    const service = { name: "headwind-hooks", namespace: "headwind", port: 8000 };
    expect(hookUrl({ webhook: { service, path: "/hooks/x" } }, "http://127.0.0.1:1234/")).toBe(
      "http://127.0.0.1:1234/hooks/x",
    );
    expect(hookUrl({ webhook: { url: "http://elsewhere/y", service, path: "/x" } }, "http://b")).toBe(
      "http://elsewhere/y",
    );
    expect(isStrict({ version: "v2" })).toBe(true);
    expect(isStrict({ version: "v2", webhook: { responseUnMarshallMode: "loose" } })).toBe(false);
  });

  it.each([
    ["10s", 10_000],
    ["1m30s", 90_000],
    ["500ms", 500],
    ["1h", 3_600_000],
    ["10", undefined],
    ["", undefined],
  ])("parses Go duration %s", (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });
});
