import { describe, expect, it } from "vitest";
import { microTime } from "../../../../src/core/time/micro-time.ts";
import { KubeApiError } from "../../../../src/kube/kube-api-error.ts";
import { createLeaseElector } from "../../../../src/sidecar/runtime/create-lease-elector.ts";
import { fakeSidecarKube } from "./fake-sidecar-kube.ts";

const start = Date.parse("2026-01-01T00:00:00Z");

function setup() {
  const fake = fakeSidecarKube();
  const time = { now: start };
  const changes: string[] = [];
  const elector = (identity: string) =>
    createLeaseElector({
      kube: fake.kube,
      namespace: "headwind",
      identity,
      leaseDurationSeconds: 15,
      clock: () => time.now,
      onChange: (leader) => changes.push(`${identity} ${leader ? "leads" : "follows"}`),
    });
  return { fake, time, changes, a: elector("pod-a"), b: elector("pod-b") };
}

describe("createLeaseElector", () => {
  it("creates the Lease when there is none and holds it; the other replica follows", async () => {
    const { fake, a, b, changes } = setup();
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(fake.state.leases.get("headwind/headwind-sidecar")?.spec).toEqual({
      holderIdentity: "pod-a",
      leaseDurationSeconds: 15,
      acquireTime: "2026-01-01T00:00:00.000000Z",
      renewTime: "2026-01-01T00:00:00.000000Z",
      leaseTransitions: 0,
    });
    expect(changes).toEqual(["pod-a leads"]);
  });

  it("renews with the resourceVersion it read, keeping acquireTime", async () => {
    const { fake, a, time } = setup();
    await a.tryAcquireOrRenew();
    time.now += 5_000;
    expect(await a.tryAcquireOrRenew()).toBe(true);
    const spec = fake.state.leases.get("headwind/headwind-sidecar")?.spec;
    expect(spec?.renewTime).toBe(microTime(start + 5_000));
    expect(spec?.acquireTime).toBe(microTime(start));
  });

  it("takes over only after the record stood still for the lease duration of its own clock", async () => {
    const { fake, a, b, time, changes } = setup();
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false);
    // a stops renewing (crashed). b counts from when it first saw this record.
    time.now += 14_999;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    time.now += 1;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(fake.state.leases.get("headwind/headwind-sidecar")?.spec).toMatchObject({
      holderIdentity: "pod-b",
      leaseTransitions: 1,
    });
    // a wakes up: its own lease term ran out long ago, and its renewal finds another holder.
    expect(a.isLeader()).toBe(false);
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(changes).toEqual(["pod-a leads", "pod-b leads", "pod-a follows"]);
  });

  it("a renewal by the holder restarts the other replica's wait", async () => {
    const { a, b, time } = setup();
    await a.tryAcquireOrRenew();
    await b.tryAcquireOrRenew();
    time.now += 10_000;
    await a.tryAcquireOrRenew();
    time.now += 10_000;
    expect(await b.tryAcquireOrRenew()).toBe(false);
  });

  it("steps down at once when it loses a write race (409)", async () => {
    const { fake, a, changes } = setup();
    await a.tryAcquireOrRenew();
    fake.fail("updateLease", new KubeApiError(409, "conflict", "Conflict"));
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(a.isLeader()).toBe(false);
    expect(changes).toEqual(["pod-a leads", "pod-a follows"]);
  });

  it("keeps its term through API errors until the renew deadline (2/3 of the lease), then steps down", async () => {
    const { fake, a, time } = setup();
    await a.tryAcquireOrRenew();
    fake.fail("getLease", new KubeApiError(503, "unavailable"));
    time.now += 5_000;
    await expect(a.tryAcquireOrRenew()).rejects.toThrow("unavailable");
    expect(a.isLeader()).toBe(true);
    time.now += 4_999;
    expect(a.isLeader()).toBe(true);
    time.now += 1;
    expect(a.isLeader()).toBe(false);
  });

  it("release hands the Lease over without waiting for it to expire", async () => {
    const { fake, a, b } = setup();
    await a.tryAcquireOrRenew();
    await b.tryAcquireOrRenew();
    await a.release();
    expect(a.isLeader()).toBe(false);
    expect(fake.state.leases.get("headwind/headwind-sidecar")?.spec.holderIdentity).toBeNull();
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  it("release by a follower writes nothing", async () => {
    const { fake, a, b } = setup();
    await a.tryAcquireOrRenew();
    await b.tryAcquireOrRenew();
    fake.calls.length = 0;
    await b.release();
    expect(fake.calls).toEqual([]);
  });
});

describe("createLeaseElector, overlapping calls", () => {
  it("shares one attempt between overlapping calls, so a slow renewal never races itself", async () => {
    const fake = fakeSidecarKube();
    const elector = createLeaseElector({
      kube: fake.kube,
      namespace: "headwind",
      identity: "pod-a",
      clock: () => start,
    });
    await elector.tryAcquireOrRenew();
    fake.calls.length = 0;
    const [first, second] = await Promise.all([elector.tryAcquireOrRenew(), elector.tryAcquireOrRenew()]);
    expect([first, second]).toEqual([true, true]);
    expect(fake.calls).toEqual([
      "getLease headwind/headwind-sidecar",
      "updateLease headwind/headwind-sidecar",
    ]);
  });
});
