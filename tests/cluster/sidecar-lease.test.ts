// Two sidecar replicas on the real apiserver, each with the headwind-sidecar ServiceAccount's token:
// exactly one holds the coordination.k8s.io Lease and polls; when it stops renewing, the other
// takes over once the lease has stood still for its duration; a released lease passes at once.
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LeaseObject } from "../../src/sidecar/runtime/sidecar-kube.ts";
import { adminConfig, kubeRequest, randomName, waitFor } from "../helpers/cluster.ts";
import {
  createTestSidecar,
  headwindNamespace as hw,
  installSidecarRbac,
} from "../helpers/sidecar-cluster.ts";

const leaseSeconds = 2;
const renewMs = 250;
const leaseName = randomName("headwind-sidecar-lease-test");

let admin: KubeConfig;
let replicas: Record<"a" | "b", ReturnType<typeof createTestSidecar>>;
const loops = new Map<string, ReturnType<typeof setInterval>>();

/** What the composition root does every 5 s, here every 250 ms. */
function startRenewing(id: "a" | "b") {
  const replica = replicas[id];
  loops.set(
    id,
    setInterval(() => {
      replica.elector.tryAcquireOrRenew().catch(() => undefined);
    }, renewMs),
  );
}
function stopRenewing(id: "a" | "b") {
  clearInterval(loops.get(id));
  loops.delete(id);
}
const leaders = () => (["a", "b"] as const).filter((id) => replicas[id].elector.isLeader());
const lease = async () =>
  (await kubeRequest(
    admin,
    "GET",
    `/apis/coordination.k8s.io/v1/namespaces/${hw}/leases/${leaseName}`,
  )) as LeaseObject;

beforeAll(async () => {
  admin = adminConfig();
  const config = await installSidecarRbac(admin);
  const make = (identity: string) =>
    createTestSidecar({ config, identity, leaseName, leaseDurationSeconds: leaseSeconds });
  replicas = { a: make("sidecar-a"), b: make("sidecar-b") };
  await Promise.all([replicas.a.refreshInterest(), replicas.b.refreshInterest()]);
});

afterAll(() => {
  for (const loop of loops.values()) clearInterval(loop);
  replicas?.a.stop();
  replicas?.b.stop();
});

describe("sidecar leader election on the real apiserver", () => {
  it("elects exactly one leader among two replicas; only it polls", async () => {
    startRenewing("a");
    startRenewing("b");
    await waitFor("a leader", async () => leaders().length === 1, { intervalMs: 50 });
    // Several renewals later, still exactly one.
    await new Promise((resolve) => setTimeout(resolve, 4 * renewMs));
    const [leader] = leaders();
    expect(leaders()).toHaveLength(1);
    const held = await lease();
    expect(held.spec).toMatchObject({
      holderIdentity: `sidecar-${leader}`,
      leaseDurationSeconds: leaseSeconds,
    });
    const follower = leader === "a" ? "b" : "a";
    expect(await replicas[follower].runtime.pollOnce()).toBeUndefined();
    expect(await replicas[leader ?? "a"].runtime.pollOnce()).toBeDefined();
    expect(await replicas[leader ?? "a"].register.metrics()).toContain("headwind_sidecar_leader 1");
    expect(await replicas[follower].register.metrics()).toContain("headwind_sidecar_leader 0");
  });

  it("the other replica takes over after the lease expires; the old one stops at its renew deadline", async () => {
    const [leader] = leaders();
    if (leader === undefined) throw new Error("no leader");
    const other = leader === "a" ? "b" : "a";
    const stoppedAt = performance.now();
    stopRenewing(leader); // a crash, as far as the Lease can tell
    await waitFor("the old leader to stop", async () => !replicas[leader].elector.isLeader(), {
      intervalMs: 20,
    });
    const stepDownMs = Math.round(performance.now() - stoppedAt);
    await waitFor("the takeover", async () => replicas[other].elector.isLeader(), {
      intervalMs: 20,
      timeoutMs: 10_000,
    });
    const takeoverMs = Math.round(performance.now() - stoppedAt);
    console.info(
      `sidecar-lease: duration ${leaseSeconds}s, renew ${renewMs}ms: old leader stopped after ${stepDownMs} ms, takeover after ${takeoverMs} ms`,
    );
    // Never two leaders: the old one stops (renew deadline 2/3 of the lease) before the lease can pass.
    expect(stepDownMs).toBeLessThan(takeoverMs);
    expect(takeoverMs).toBeGreaterThanOrEqual(leaseSeconds * 1000 - renewMs);
    expect(takeoverMs).toBeLessThan(leaseSeconds * 1000 + 4 * renewMs);
    expect((await lease()).spec).toMatchObject({ holderIdentity: `sidecar-${other}`, leaseTransitions: 1 });
    // The old replica comes back: it follows.
    startRenewing(leader);
    await new Promise((resolve) => setTimeout(resolve, 3 * renewMs));
    expect(leaders()).toEqual([other]);
  });

  it("a released lease passes to the other replica without waiting for it to expire", async () => {
    const [leader] = leaders();
    if (leader === undefined) throw new Error("no leader");
    const other = leader === "a" ? "b" : "a";
    stopRenewing(leader);
    const releasedAt = performance.now();
    await replicas[leader].elector.release();
    await waitFor("the handover", async () => replicas[other].elector.isLeader(), { intervalMs: 20 });
    const handoverMs = Math.round(performance.now() - releasedAt);
    console.info(`sidecar-lease: handover after release ${handoverMs} ms`);
    expect(handoverMs).toBeLessThan(leaseSeconds * 1000);
    expect(leaders()).toEqual([other]);
  });
});
