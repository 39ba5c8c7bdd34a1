// RBAC checks against the real apiserver: SubjectAccessReview (posted by admin for a ServiceAccount
// user and its groups) and SelfSubjectRulesReview (posted with the ServiceAccount's own token), with
// rules flattened to one (group, resource, verb, name) atom each so two rule lists compare exactly
// however the server happens to split or merge them.
import type { KubeConfig } from "@kubernetes/client-node";
import { kubeRequest } from "./cluster.ts";

export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** The user name and groups the apiserver gives a ServiceAccount token (TokenRequest). */
export function serviceAccountIdentity(sa: ServiceAccountRef): { user: string; groups: string[] } {
  return {
    user: `system:serviceaccount:${sa.namespace}:${sa.name}`,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${sa.namespace}`, "system:authenticated"],
  };
}

export interface Access {
  readonly verb: string;
  /** "" for the core group. */
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  /** "" asks about every namespace at once (only cluster-wide grants count); absent for cluster-scoped. */
  readonly namespace?: string;
  readonly name?: string;
}

export function describeAccess(a: Access): string {
  const res = `${a.group ? `${a.group}/` : ""}${a.resource}${a.subresource ? `/${a.subresource}` : ""}`;
  const where =
    a.namespace === undefined ? "(cluster)" : a.namespace === "" ? "in all namespaces" : `in ${a.namespace}`;
  return `${a.verb} ${res}${a.name ? ` ${a.name}` : ""} ${where}`;
}

/** Asks the authorizer, as admin, whether the ServiceAccount may do `access`. */
export async function subjectAccessReview(
  admin: KubeConfig,
  sa: ServiceAccountRef,
  access: Access,
): Promise<{ allowed: boolean; reason: string }> {
  const review = (await kubeRequest(admin, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: {
      ...serviceAccountIdentity(sa),
      resourceAttributes: {
        verb: access.verb,
        group: access.group,
        resource: access.resource,
        ...(access.subresource ? { subresource: access.subresource } : {}),
        ...(access.namespace !== undefined ? { namespace: access.namespace } : {}),
        ...(access.name ? { name: access.name } : {}),
      },
    },
  })) as { status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string } };
  if (review.status?.evaluationError)
    throw new Error(`SAR evaluation error: ${review.status.evaluationError}`);
  return { allowed: review.status?.allowed === true, reason: review.status?.reason ?? "" };
}

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface RuleSet {
  /** `group|resource|verb|name` ("*" where the rule says any name). */
  readonly resource: ReadonlySet<string>;
  /** `url|verb`. */
  readonly nonResource: ReadonlySet<string>;
}

/** Flattens resource rules into atoms. */
export function resourceAtoms(rules: readonly PolicyRule[]): Set<string> {
  return new Set(
    rules
      .filter((rule) => rule.resources !== undefined)
      .flatMap((rule) => {
        const names = rule.resourceNames?.length ? rule.resourceNames : ["*"];
        return (rule.apiGroups ?? [""]).flatMap((group) =>
          (rule.resources ?? []).flatMap((resource) =>
            rule.verbs.flatMap((verb) => names.map((name) => `${group}|${resource}|${verb}|${name}`)),
          ),
        );
      }),
  );
}

export function nonResourceAtoms(rules: readonly PolicyRule[]): Set<string> {
  const atoms = new Set<string>();
  for (const rule of rules)
    for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) atoms.add(`${url}|${verb}`);
  return atoms;
}

/** The effective rules of the token's owner in `namespace`, as the apiserver itself reports them. */
export async function selfSubjectRules(asSubject: KubeConfig, namespace: string): Promise<RuleSet> {
  const review = (await kubeRequest(
    asSubject,
    "POST",
    "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
    {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectRulesReview",
      spec: { namespace },
    },
  )) as {
    status?: {
      resourceRules?: PolicyRule[];
      nonResourceRules?: PolicyRule[];
      incomplete?: boolean;
      evaluationError?: string;
    };
  };
  const status = review.status;
  if (!status || status.incomplete || status.evaluationError)
    throw new Error(`SelfSubjectRulesReview in ${namespace} was incomplete: ${JSON.stringify(status)}`);
  return {
    resource: resourceAtoms(status.resourceRules ?? []),
    nonResource: nonResourceAtoms(status.nonResourceRules ?? []),
  };
}

/** Atoms in `a` that are not in `b`, sorted. */
export function minus(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  return [...a].filter((x) => !b.has(x)).sort();
}

/**
 * What every ServiceAccount gets without any binding of its own: the rules of the ClusterRoles bound
 * cluster-wide to `system:authenticated` or `system:serviceaccounts` (system:basic-user,
 * system:discovery, system:public-info-viewer, system:service-account-issuer-discovery on a stock
 * cluster), read from the live bindings rather than assumed.
 */
export async function authenticatedBaseline(admin: KubeConfig): Promise<RuleSet & { roles: string[] }> {
  const bindings = (await kubeRequest(
    admin,
    "GET",
    "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
  )) as {
    items: {
      roleRef: { kind: string; name: string };
      subjects?: { kind: string; name: string }[];
    }[];
  };
  const everyone = new Set(["system:authenticated", "system:serviceaccounts"]);
  const roles = [
    ...new Set(
      bindings.items
        .filter((b) => b.subjects?.some((s) => s.kind === "Group" && everyone.has(s.name)))
        .map((b) => b.roleRef.name),
    ),
  ].sort();
  const rules: PolicyRule[] = [];
  for (const role of roles) {
    const cr = (await kubeRequest(
      admin,
      "GET",
      `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role}`,
    )) as {
      rules?: PolicyRule[];
    };
    rules.push(...(cr.rules ?? []));
  }
  return { roles, resource: resourceAtoms(rules), nonResource: nonResourceAtoms(rules) };
}
