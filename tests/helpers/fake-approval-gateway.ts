/**
 * An honest in-memory ApprovalGateway: tokens map to identities, RBAC is a list of grants checked
 * the way the apiserver does (a cluster-wide grant covers every namespace, a namespaced one only
 * its own), and the status patch is a real conditional merge patch on resourceVersion. Every
 * review and patch is recorded so tests can assert what would have been sent.
 */

import type { KubeObject } from "../../src/core/kube-object.ts";
import type { UpdateRequest, UpdateRequestStatus } from "../../src/core/updaterequests/update-request.ts";
import type {
  AccessCheck,
  ApprovalGateway,
  Identity,
} from "../../src/hooks-server/approval-api/approval-gateway.ts";
import { KubeApiError } from "../../src/kube/kube-api-error.ts";

export interface Grant {
  readonly user: string;
  readonly verb: string;
  /** `resource` or `resource/subresource`. */
  readonly resource: string;
  /** "" = cluster-wide (a ClusterRoleBinding). */
  readonly namespace: string;
}

export interface FakeApprovalGateway extends ApprovalGateway {
  readonly tokens: Map<string, Identity>;
  readonly grants: Grant[];
  readonly updateRequests: Map<string, UpdateRequest>;
  /** By `Kind/namespace/name`. */
  readonly workloads: Map<string, KubeObject>;
  readonly reviews: { identity: Identity; check: AccessCheck }[];
  readonly patches: {
    namespace: string;
    name: string;
    resourceVersion: string;
    status: UpdateRequestStatus;
  }[];
  /** Runs before each status patch is applied: a concurrent writer. */
  beforePatch?: (ur: UpdateRequest) => void;
  /** When set, every call fails with it. */
  failure?: KubeApiError;
  /** Bumps the resourceVersion, as any write on the apiserver does. */
  touch(ur: UpdateRequest): void;
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

export function fakeApprovalGateway(): FakeApprovalGateway {
  let version = 100;
  const fail = () => {
    if (gateway.failure) throw gateway.failure;
  };
  const gateway: FakeApprovalGateway = {
    tokens: new Map(),
    grants: [],
    updateRequests: new Map(),
    workloads: new Map(),
    reviews: [],
    patches: [],
    touch(ur) {
      ur.metadata.resourceVersion = String(++version);
    },
    async authenticate(token) {
      fail();
      return gateway.tokens.get(token);
    },
    async authorize(identity, check) {
      fail();
      gateway.reviews.push({ identity, check });
      const resource = check.subresource ? `${check.resource}/${check.subresource}` : check.resource;
      const allowed = gateway.grants.some(
        (g) =>
          g.user === identity.username &&
          g.verb === check.verb &&
          g.resource === resource &&
          (g.namespace === "" || g.namespace === check.namespace),
      );
      return allowed ? { allowed } : { allowed, reason: "no RBAC rule" };
    },
    async listUpdateRequests(namespace) {
      fail();
      return [...gateway.updateRequests.values()]
        .filter((ur) => namespace === undefined || ur.metadata.namespace === namespace)
        .map((ur) => structuredClone(ur));
    },
    async getUpdateRequest(namespace, name) {
      fail();
      const ur = gateway.updateRequests.get(key(namespace, name));
      return ur && structuredClone(ur);
    },
    async patchUpdateRequestStatus(namespace, name, resourceVersion, status) {
      fail();
      gateway.patches.push({ namespace, name, resourceVersion, status });
      const live = gateway.updateRequests.get(key(namespace, name));
      if (live === undefined) throw new KubeApiError(404, `updaterequests "${name}" not found`);
      gateway.beforePatch?.(live);
      if (live.metadata.resourceVersion !== resourceVersion)
        throw new KubeApiError(
          409,
          "the object has been modified; please apply your changes to the latest version",
        );
      live.status = { ...live.status, ...status };
      gateway.touch(live);
      return structuredClone(live);
    },
    async getWorkload(kind, namespace, name) {
      fail();
      const workload = gateway.workloads.get(`${kind.kind}/${key(namespace, name)}`);
      return workload && structuredClone(workload);
    },
  };
  return gateway;
}

export function storeUpdateRequest(gateway: FakeApprovalGateway, ur: UpdateRequest): UpdateRequest {
  const stored = structuredClone(ur);
  gateway.touch(stored);
  gateway.updateRequests.set(key(stored.metadata.namespace ?? "", stored.metadata.name), stored);
  return stored;
}
