/**
 * An honest in-memory KubeGateway for in-process tests: objects carry resourceVersions that every
 * write bumps, the status write is a conditional merge patch (409 on a stale resourceVersion), the
 * image patch is a real JSON patch whose `test` op fails with 422, Events are unique by name (409),
 * and a missing object is undefined on read and 404 on write, as on the apiserver. Every call is
 * recorded so a test can assert what would have been sent. The real gateway is tested against a
 * real apiserver (tests/cluster).
 */
import type { KubeObject } from "../../src/core/kube-object.ts";
import type { TargetRef, UpdateRequest } from "../../src/core/updaterequests/update-request.ts";
import type { JsonPatchOp } from "../../src/core/workloads/image-patch.ts";
import {
  type EventBody,
  type KubeGateway,
  statusPatch,
} from "../../src/hooks-server/effects/kube-gateway.ts";
import { KubeApiError } from "../../src/kube/kube-api-error.ts";

export interface FakeKubeGateway extends KubeGateway {
  readonly calls: string[];
  readonly events: EventBody[];
  /** Stores (or replaces) an object as the apiserver would, with a fresh resourceVersion. */
  put<T extends KubeObject>(object: T): T;
  workload(ref: TargetRef): KubeObject | undefined;
  updateRequest(namespace: string, name: string): UpdateRequest | undefined;
  /** Runs before every call: a slow or failing apiserver, a concurrent writer. */
  before?: (call: string, signal: AbortSignal | undefined) => Promise<void> | void;
}

const clone = <T>(value: T): T => structuredClone(value);

function applyJsonPatch(object: KubeObject, ops: readonly JsonPatchOp[]): KubeObject {
  const copy = clone(object) as unknown as Record<string, unknown>;
  for (const op of ops) {
    const segments = op.path.split("/").slice(1);
    const last = segments.pop() ?? "";
    let parent: unknown = copy;
    for (const segment of segments) parent = (parent as Record<string, unknown>)[segment];
    const holder = parent as Record<string, unknown>;
    if (op.op === "test" && holder[last] !== op.value)
      throw new KubeApiError(422, `test failed at ${op.path}`, "Invalid");
    if (op.op === "replace") holder[last] = op.value;
  }
  return copy as unknown as KubeObject;
}

export function fakeKubeGateway(): FakeKubeGateway {
  const objects = new Map<string, KubeObject>();
  let version = 100;
  const keyOf = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;
  const store = <T extends KubeObject>(object: T, bumpGeneration: boolean): T => {
    const metadata = {
      ...object.metadata,
      resourceVersion: String(++version),
      generation: (object.metadata.generation ?? 0) + (bumpGeneration ? 1 : 0),
    };
    const stored = { ...clone(object), metadata };
    objects.set(keyOf(object.kind, metadata.namespace ?? "", metadata.name), stored);
    return clone(stored);
  };
  const find = (kind: string, namespace: string, name: string) => {
    const found = objects.get(keyOf(kind, namespace, name));
    return found === undefined ? undefined : clone(found);
  };
  const gateway: FakeKubeGateway = {
    calls: [],
    events: [],
    put: (object) => store(object, false),
    workload: (ref) => find(ref.kind, ref.namespace, ref.name),
    updateRequest: (namespace, name) => find("UpdateRequest", namespace, name) as UpdateRequest | undefined,
    async getWorkload(ref, signal) {
      await call(`GET ${ref.kind} ${ref.namespace}/${ref.name}`, signal);
      return gateway.workload(ref);
    },
    async patchWorkload(ref, ops, signal) {
      await call(`PATCH ${ref.kind} ${ref.namespace}/${ref.name}`, signal);
      const live = gateway.workload(ref);
      if (live === undefined) throw new KubeApiError(404, `${ref.kind} ${ref.name} not found`, "NotFound");
      return store(applyJsonPatch(live, ops), true);
    },
    async getUpdateRequest(namespace, name, signal) {
      await call(`GET UpdateRequest ${namespace}/${name}`, signal);
      return gateway.updateRequest(namespace, name);
    },
    async writeUpdateRequestStatus(ur, status, signal) {
      const { namespace = "", name, resourceVersion } = ur.metadata;
      await call(`PATCH UpdateRequest ${namespace}/${name}/status`, signal);
      const live = gateway.updateRequest(namespace, name);
      if (live === undefined) throw new KubeApiError(404, `UpdateRequest ${name} not found`, "NotFound");
      if (live.metadata.resourceVersion !== resourceVersion)
        throw new KubeApiError(409, "the object has been modified", "Conflict");
      const merged = { ...(live.status ?? {}), ...statusPatch(live.status ?? {}, status) };
      const kept = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== null));
      return store({ ...live, status: kept }, false);
    },
    async createEvent(event, signal) {
      await call(`POST Event ${event.metadata.namespace}/${event.metadata.name}`, signal);
      if (gateway.events.some((e) => e.metadata.name === event.metadata.name))
        throw new KubeApiError(409, "already exists", "AlreadyExists");
      gateway.events.push(clone(event));
    },
  };
  async function call(what: string, signal: AbortSignal | undefined) {
    gateway.calls.push(what);
    await gateway.before?.(what, signal);
    if (signal?.aborted) throw new KubeApiError(0, `${what}: aborted`);
  }
  return gateway;
}
