/**
 * Leader election on a coordination.k8s.io/v1 Lease, the way client-go does it: the holder renews
 * `renewTime` every `renewIntervalMs`; another replica takes over once it has seen the same record
 * unchanged for `leaseDurationSeconds` of its own clock (never comparing clocks across machines).
 * Every write is a PUT carrying the resourceVersion read, so two replicas can never both win.
 *
 * Leadership is judged on read: `isLeader()` turns false once no renewal succeeded for the renew
 * deadline (2/3 of the lease), so a hung API call cannot keep a replica polling after another may
 * have taken over; a renewal that finds another holder (or loses a race) steps down at once.
 */
import type { Clock } from "../../core/time/clock.ts";
import { microTime } from "../../core/time/micro-time.ts";
import { kubeStatus } from "../../kube/kube-api-error.ts";
import type { LeaseObject, SidecarKube } from "./sidecar-kube.ts";

export interface LeaseElectorOptions {
  readonly kube: Pick<SidecarKube, "getLease" | "createLease" | "updateLease">;
  readonly namespace: string;
  /** Default `headwind-sidecar`. */
  readonly name?: string;
  /** This replica: the pod name. */
  readonly identity: string;
  /** Default 15. */
  readonly leaseDurationSeconds?: number;
  /** Milliseconds since the epoch. */
  readonly clock: Clock;
  /** Called on every change of leadership, with the new state. */
  readonly onChange?: (leader: boolean) => void;
}

export interface LeaseElector {
  /** One attempt to acquire or renew; answers whether this replica leads now. Rejects when the API failed. */
  tryAcquireOrRenew(): Promise<boolean>;
  isLeader(): boolean;
  /** Gives the Lease up (when held) so another replica takes over without waiting it out. */
  release(): Promise<void>;
}

export function createLeaseElector(options: LeaseElectorOptions): LeaseElector {
  const { kube, namespace, identity, clock } = options;
  const name = options.name ?? "headwind-sidecar";
  const durationSeconds = options.leaseDurationSeconds ?? 15;
  const renewDeadlineMs = (durationSeconds * 1000 * 2) / 3;
  let renewedAt: number | undefined;
  let observed: { resourceVersion: string | undefined; at: number } | undefined;
  let reported = false;
  let inFlight: Promise<boolean> | undefined;

  function isLeader(): boolean {
    return renewedAt !== undefined && clock() - renewedAt < renewDeadlineMs;
  }

  function report(): void {
    const now = isLeader();
    if (now !== reported) {
      reported = now;
      options.onChange?.(now);
    }
  }

  function claimed(base: LeaseObject | undefined, now: number): LeaseObject {
    const mine = base?.spec.holderIdentity === identity;
    const transitions = base?.spec.leaseTransitions ?? 0;
    return {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: {
        name,
        namespace,
        ...(base?.metadata.resourceVersion ? { resourceVersion: base.metadata.resourceVersion } : {}),
      },
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: mine ? (base?.spec.acquireTime ?? microTime(now)) : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: mine || base === undefined ? transitions : transitions + 1,
      },
    };
  }

  /** Whether another holder's record has stood still for a whole lease duration of our clock. */
  function expired(lease: LeaseObject, now: number): boolean {
    const holder = lease.spec.holderIdentity;
    if (!holder) return true;
    if (observed === undefined || observed.resourceVersion !== lease.metadata.resourceVersion) {
      observed = { resourceVersion: lease.metadata.resourceVersion, at: now };
    }
    const seconds = lease.spec.leaseDurationSeconds ?? durationSeconds;
    return now - observed.at >= seconds * 1000;
  }

  async function attempt(): Promise<boolean> {
    const now = clock();
    const lease = await kube.getLease(namespace, name);
    if (lease === undefined) {
      await kube.createLease(claimed(undefined, now));
      renewedAt = now;
      return true;
    }
    if (lease.spec.holderIdentity !== identity && !expired(lease, now)) {
      renewedAt = undefined;
      return false;
    }
    const written = await kube.updateLease(claimed(lease, now));
    observed = { resourceVersion: written.metadata.resourceVersion, at: now };
    renewedAt = now;
    return true;
  }

  async function settle(): Promise<boolean> {
    try {
      return await attempt();
    } catch (error) {
      // Lost a race (409 on update, or on create): someone else holds it now.
      if (kubeStatus(error) === 409) {
        renewedAt = undefined;
        return false;
      }
      // Other failures keep the current term until the renew deadline ends it; the caller logs them.
      throw error;
    } finally {
      report();
    }
  }

  return {
    tryAcquireOrRenew() {
      // One attempt at a time: a slow renewal overlapping the next would lose a race to itself (409).
      inFlight ??= settle().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    isLeader() {
      report();
      return isLeader();
    },
    async release() {
      if (!isLeader()) return;
      renewedAt = undefined;
      report();
      const lease = await kube.getLease(namespace, name);
      if (lease === undefined || lease.spec.holderIdentity !== identity) return;
      await kube.updateLease({
        ...lease,
        spec: { ...lease.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime(clock()) },
      });
    },
  };
}
