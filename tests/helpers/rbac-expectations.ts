// What each Headwind ServiceAccount may do, as data: the exact rule sets (the over-grant check
// compares the apiserver's SelfSubjectRulesReview with these) and the allowed/denied table checked
// with SubjectAccessReviews, including everything Headwind must never be able to do.
import type { Access } from "./rbac-review.ts";

export const headwindNamespace = "headwind";
export type Component = "hooks" | "sidecar";
export const serviceAccounts: Record<Component, { namespace: string; name: string }> = {
  hooks: { namespace: headwindNamespace, name: "headwind-hooks" },
  sidecar: { namespace: headwindNamespace, name: "headwind-sidecar" },
};

const workloadResources = [
  ["apps", "deployments"],
  ["apps", "statefulsets"],
  ["apps", "daemonsets"],
  ["batch", "cronjobs"],
] as const;

function atoms(group: string, resources: readonly string[], verbs: readonly string[]): string[] {
  return resources.flatMap((r) => verbs.map((v) => `${group}|${r}|${v}|*`));
}

/**
 * The rules each ServiceAccount holds in a namespace on top of what every authenticated
 * ServiceAccount gets. `pullSecrets`: the namespace has the components/pull-secrets RoleBinding.
 */
export function expectedRules(component: Component, namespace: string, pullSecrets = false): string[] {
  if (component === "hooks") {
    return [
      ...atoms("apps", ["deployments", "statefulsets", "daemonsets"], ["get", "patch"]),
      ...atoms("batch", ["cronjobs"], ["get", "patch"]),
      ...atoms("events.k8s.io", ["events"], ["create"]),
      // The approval API: reviews to let the apiserver judge each caller, then the UR reads and
      // the status write it makes on that caller's behalf.
      ...atoms("authentication.k8s.io", ["tokenreviews"], ["create"]),
      ...atoms("authorization.k8s.io", ["subjectaccessreviews"], ["create"]),
      ...atoms("headwind.sh", ["updaterequests"], ["get", "list"]),
      ...atoms("headwind.sh", ["updaterequests/status"], ["patch"]),
    ].sort();
  }
  const clusterWide = [
    ...atoms("apps", ["deployments", "statefulsets", "daemonsets"], ["list", "watch"]),
    ...atoms("batch", ["cronjobs"], ["list", "watch"]),
    ...atoms("", ["serviceaccounts"], ["get"]),
  ];
  const own =
    namespace === headwindNamespace
      ? [
          ...atoms("", ["configmaps"], ["get", "list", "create", "patch", "delete"]),
          ...atoms("", ["secrets"], ["get"]),
          ...atoms("coordination.k8s.io", ["leases"], ["get", "create", "update"]),
        ]
      : [];
  const pulled = pullSecrets ? atoms("", ["secrets"], ["get"]) : [];
  return [...new Set([...clusterWide, ...own, ...pulled])].sort();
}

export interface AccessRow {
  readonly as: Component;
  readonly access: Access;
  readonly allowed: boolean;
}

const allow = (as: Component, access: Access): AccessRow => ({ as, access, allowed: true });
const deny = (as: Component, access: Access): AccessRow => ({ as, access, allowed: false });
const both = (access: Access): AccessRow[] => [deny("hooks", access), deny("sidecar", access)];

/**
 * The allowed/denied table. `workload`: a namespace with workloads and no Headwind binding (the
 * pull-secrets component is checked on its own, in a namespace where it is bound).
 */
export function accessTable(workload: string): AccessRow[] {
  const hw = headwindNamespace;
  const rows: AccessRow[] = [];

  // hooks: read and patch the four workload kinds anywhere (the guarded image patch), nothing else.
  for (const [group, resource] of workloadResources) {
    rows.push(
      allow("hooks", { verb: "get", group, resource, namespace: workload, name: "web" }),
      allow("hooks", { verb: "patch", group, resource, namespace: workload, name: "web" }),
      deny("hooks", { verb: "list", group, resource, namespace: workload }),
      deny("hooks", { verb: "watch", group, resource, namespace: "" }),
      deny("hooks", { verb: "update", group, resource, namespace: workload }),
      allow("sidecar", { verb: "list", group, resource, namespace: "" }),
      allow("sidecar", { verb: "watch", group, resource, namespace: "" }),
      deny("sidecar", { verb: "get", group, resource, namespace: workload }),
      deny("sidecar", { verb: "patch", group, resource, namespace: workload }),
      // Never: create or delete workloads, or write their status or scale.
      ...both({ verb: "create", group, resource, namespace: workload }),
      ...both({ verb: "delete", group, resource, namespace: workload }),
      ...both({ verb: "deletecollection", group, resource, namespace: workload }),
      ...both({ verb: "update", group, resource, subresource: "status", namespace: workload }),
      ...both({ verb: "patch", group, resource, subresource: "status", namespace: workload }),
    );
  }
  rows.push(
    ...both({
      verb: "patch",
      group: "apps",
      resource: "deployments",
      subresource: "scale",
      namespace: workload,
    }),
    allow("hooks", { verb: "create", group: "events.k8s.io", resource: "events", namespace: workload }),
    deny("hooks", { verb: "patch", group: "events.k8s.io", resource: "events", namespace: workload }),
    deny("hooks", { verb: "create", group: "", resource: "events", namespace: workload }),
    deny("sidecar", { verb: "create", group: "events.k8s.io", resource: "events", namespace: workload }),
    // The ServiceAccounts workloads run as, for their imagePullSecrets.
    allow("sidecar", {
      verb: "get",
      group: "",
      resource: "serviceaccounts",
      namespace: workload,
      name: "app",
    }),
    deny("sidecar", { verb: "list", group: "", resource: "serviceaccounts", namespace: workload }),
    deny("hooks", { verb: "get", group: "", resource: "serviceaccounts", namespace: workload }),
  );

  // Secrets: the sidecar reads single Secrets in headwind only; nobody lists or watches any.
  rows.push(
    allow("sidecar", { verb: "get", group: "", resource: "secrets", namespace: hw, name: "registry-creds" }),
    deny("sidecar", { verb: "get", group: "", resource: "secrets", namespace: workload }),
    deny("sidecar", { verb: "get", group: "", resource: "secrets", namespace: "" }),
    deny("sidecar", { verb: "create", group: "", resource: "secrets", namespace: hw }),
    deny("sidecar", { verb: "update", group: "", resource: "secrets", namespace: hw }),
    deny("hooks", { verb: "get", group: "", resource: "secrets", namespace: hw }),
    deny("hooks", { verb: "get", group: "", resource: "secrets", namespace: workload }),
    deny("hooks", { verb: "get", group: "", resource: "secrets", namespace: "" }),
  );
  for (const namespace of [hw, workload, ""]) {
    rows.push(
      ...both({ verb: "list", group: "", resource: "secrets", namespace }),
      ...both({ verb: "watch", group: "", resource: "secrets", namespace }),
    );
  }

  // ConfigMaps: the sidecar's tag ConfigMaps, in headwind only (server-side apply = patch/create).
  for (const verb of ["get", "list", "create", "patch", "delete"])
    rows.push(allow("sidecar", { verb, group: "", resource: "configmaps", namespace: hw }));
  rows.push(
    deny("sidecar", { verb: "update", group: "", resource: "configmaps", namespace: hw }),
    deny("sidecar", { verb: "deletecollection", group: "", resource: "configmaps", namespace: hw }),
    deny("sidecar", { verb: "watch", group: "", resource: "configmaps", namespace: hw }),
    deny("hooks", { verb: "get", group: "", resource: "configmaps", namespace: hw }),
  );
  for (const verb of ["get", "create", "patch", "update", "delete"])
    rows.push(...both({ verb, group: "", resource: "configmaps", namespace: workload }));
  rows.push(...both({ verb: "create", group: "", resource: "configmaps", namespace: "" }));

  // The sidecar's leader-election Lease, in headwind only.
  for (const verb of ["get", "create", "update"])
    rows.push(allow("sidecar", { verb, group: "coordination.k8s.io", resource: "leases", namespace: hw }));
  rows.push(
    deny("sidecar", { verb: "delete", group: "coordination.k8s.io", resource: "leases", namespace: hw }),
    deny("sidecar", { verb: "list", group: "coordination.k8s.io", resource: "leases", namespace: hw }),
    deny("sidecar", {
      verb: "create",
      group: "coordination.k8s.io",
      resource: "leases",
      namespace: workload,
    }),
    deny("hooks", { verb: "create", group: "coordination.k8s.io", resource: "leases", namespace: hw }),
  );

  // UpdateRequests are created, changed and deleted by Metacontroller only. The hooks (the approval
  // API) read them and patch their status, and only the status, for a person the apiserver has
  // just authorized to do the same; the sidecar never touches them.
  const ur = { group: "headwind.sh", resource: "updaterequests" };
  for (const verb of ["create", "patch", "update", "delete", "deletecollection"])
    rows.push(...both({ verb, ...ur, namespace: workload }));
  for (const namespace of [workload, ""]) {
    rows.push(
      allow("hooks", { verb: "get", ...ur, namespace, name: "web-app-0123456789" }),
      allow("hooks", { verb: "list", ...ur, namespace }),
      deny("hooks", { verb: "watch", ...ur, namespace }),
      allow("hooks", { verb: "patch", ...ur, subresource: "status", namespace, name: "web-app-0123456789" }),
      deny("hooks", { verb: "update", ...ur, subresource: "status", namespace }),
      deny("sidecar", { verb: "get", ...ur, namespace }),
      deny("sidecar", { verb: "list", ...ur, namespace }),
      deny("sidecar", { verb: "patch", ...ur, subresource: "status", namespace }),
    );
  }

  // Token and access reviews, for the approval API only; never anything that mints credentials.
  rows.push(
    allow("hooks", { verb: "create", group: "authentication.k8s.io", resource: "tokenreviews" }),
    allow("hooks", { verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews" }),
    deny("sidecar", { verb: "create", group: "authentication.k8s.io", resource: "tokenreviews" }),
    deny("sidecar", { verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews" }),
    ...both({
      verb: "create",
      group: "authorization.k8s.io",
      resource: "localsubjectaccessreviews",
      namespace: workload,
    }),
  );

  // Pods: no writes, no exec, no reads.
  rows.push(
    ...both({ verb: "patch", group: "", resource: "pods", namespace: workload }),
    ...both({ verb: "delete", group: "", resource: "pods", namespace: workload }),
    ...both({ verb: "create", group: "", resource: "pods", subresource: "exec", namespace: workload }),
    ...both({ verb: "get", group: "", resource: "pods", namespace: workload }),
  );

  // Privilege escalation of every kind.
  const rbac = "rbac.authorization.k8s.io";
  for (const verb of ["create", "patch", "update"]) {
    rows.push(
      ...both({ verb, group: rbac, resource: "clusterroles" }),
      ...both({ verb, group: rbac, resource: "clusterrolebindings" }),
      ...both({ verb, group: rbac, resource: "roles", namespace: hw }),
      ...both({ verb, group: rbac, resource: "rolebindings", namespace: hw }),
      ...both({ verb, group: rbac, resource: "rolebindings", namespace: workload }),
    );
  }
  rows.push(
    ...both({ verb: "bind", group: rbac, resource: "clusterroles", name: "cluster-admin" }),
    ...both({ verb: "escalate", group: rbac, resource: "clusterroles", name: "headwind-sidecar" }),
    ...both({ verb: "bind", group: rbac, resource: "roles", namespace: hw }),
    ...both({ verb: "escalate", group: rbac, resource: "roles", namespace: hw }),
    ...both({ verb: "impersonate", group: "", resource: "users" }),
    ...both({ verb: "impersonate", group: "", resource: "groups" }),
    ...both({ verb: "impersonate", group: "", resource: "serviceaccounts", namespace: hw }),
    ...both({ verb: "create", group: "", resource: "serviceaccounts", subresource: "token", namespace: hw }),
    ...both({
      verb: "create",
      group: "",
      resource: "serviceaccounts",
      subresource: "token",
      namespace: workload,
    }),
    ...both({ verb: "patch", group: "", resource: "nodes" }),
    ...both({ verb: "create", group: "apiextensions.k8s.io", resource: "customresourcedefinitions" }),
    ...both({
      verb: "create",
      group: "admissionregistration.k8s.io",
      resource: "mutatingwebhookconfigurations",
    }),
    ...both({ verb: "patch", group: "metacontroller.k8s.io", resource: "decoratorcontrollers" }),
    ...both({ verb: "patch", group: "", resource: "namespaces", name: hw }),
    ...both({ verb: "create", group: "certificates.k8s.io", resource: "certificatesigningrequests" }),
  );
  return rows;
}
