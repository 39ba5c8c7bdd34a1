import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { InterestSet } from "../../../../src/sidecar/runtime/build-interest.ts";
import { createEventIngest } from "../../../../src/sidecar/runtime/create-event-ingest.ts";
import type { AddResult } from "../../../../src/sidecar/runtime/create-hint-queue.ts";
import { createSidecarMetrics } from "../../../../src/sidecar/runtime/create-sidecar-metrics.ts";
import type { ImageEvent } from "../../../../src/sidecar/webhooks/vendors/image-event.ts";

const used = "reg.example.com/shop/web";
const other = "reg.example.com/shop/api";
const event = (repository: string, tag?: string): ImageEvent => ({
  vendor: "distribution",
  registry: repository.slice(0, repository.indexOf("/")),
  repository: repository.slice(repository.indexOf("/") + 1),
  ...(tag === undefined ? {} : { tag }),
});
const inUse: InterestSet = {
  poll: [],
  repositories: new Map([
    [used, [{ namespace: "shop", pullSecrets: [], digestTags: [] }]],
    [other, [{ namespace: "shop", pullSecrets: [], digestTags: [] }]],
  ]),
};

function setup(
  interest: InterestSet | undefined,
  answer: AddResult = "queued",
  maxHintsPerDelivery?: number,
) {
  const register = new Registry();
  const queued: string[] = [];
  const onEvents = createEventIngest({
    interest: () => interest,
    queue: {
      add: (repository, tags, relist) => {
        queued.push(`${repository} [${[...tags].join(",")}]${relist ? " relist" : ""}`);
        return answer;
      },
    },
    metrics: createSidecarMetrics(register),
    logger: pino({ level: "silent" }),
    ...(maxHintsPerDelivery === undefined ? {} : { maxHintsPerDelivery }),
  });
  const ignored = async () =>
    (await register.getSingleMetric("headwind_sidecar_ignored_events_total")?.get())?.values.map(
      (v) => `${v.labels.reason} ${v.value}`,
    );
  return { onEvents, queued, ignored };
}

describe("createEventIngest (onEvents)", () => {
  it("queues one hint per repository with its distinct tags; a push without a tag asks for a re-list", async () => {
    const k = setup(inUse);
    await k.onEvents(
      [event(used, "1.0.0"), event(used, "1.1.0"), event(used, "1.0.0"), event(other), event(other)],
      "s",
    );
    expect(k.queued).toEqual([`${used} [1.0.0,1.1.0]`, `${other} [] relist`]);
    expect(await k.ignored()).toEqual([]);
  });

  it("drops (and counts) repositories no workload uses before anything is queued", async () => {
    const k = setup(inUse);
    await k.onEvents([event("evil.example.com/x/y", "1.0.0"), event("reg.example.com/shop/other", "2")], "s");
    expect(k.queued).toEqual([]);
    expect(await k.ignored()).toEqual(["not_in_use 2"]);
  });

  it("takes at most maxHintsPerDelivery distinct hints from one delivery, counting the rest", async () => {
    const k = setup(inUse, "queued", 100);
    const forged = Array.from({ length: 100_000 }, (_, i) => event(used, `1.0.${i}`));
    const started = performance.now();
    await k.onEvents([...forged, event(other, "9.9.9")], "s");
    console.info(
      `create-event-ingest: 100,001 events judged in ${Math.round(performance.now() - started)} ms`,
    );
    expect(k.queued).toHaveLength(1);
    expect(k.queued[0]?.split(",")).toHaveLength(100);
    expect(await k.ignored()).toEqual(["over_limit 99901"]);
  });

  it("counts the entries the parser left unread with the hints over the limit", async () => {
    const k = setup(inUse, "queued", 100);
    await k.onEvents([event(used, "1.0.0")], "s", 99_000);
    expect(await k.ignored()).toEqual(["over_limit 99000"]);
  });

  it("counts hints a full queue could not take", async () => {
    const k = setup(inUse, "full");
    await k.onEvents([event(used, "1.0.0"), event(used, "1.1.0"), event(other)], "s");
    expect(await k.ignored()).toEqual(["queue_full 3"]);
  });

  it("fails (a 503 upstream, so the vendor retries) until the first interest LIST succeeded", async () => {
    const k = setup(undefined);
    await expect(k.onEvents([event(used, "1.0.0")], "s")).rejects.toThrow("not loaded");
    expect(k.queued).toEqual([]);
  });
});
