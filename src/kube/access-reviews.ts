/**
 * Asking the apiserver who someone is and what they may do: TokenReview (whose token is this?),
 * SubjectAccessReview (may this user and their groups do X? asked by a trusted component) and
 * SelfSubjectAccessReview (may I do X? asked with the person's own credentials).
 */
import type { KubeTransport } from "./create-kube-transport.ts";

/** Who a bearer token belongs to, as the apiserver's TokenReview says. */
export interface Identity {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** A review's resourceAttributes; `namespace` "" means every namespace. */
export interface AccessCheck {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace: string;
  readonly name?: string;
}

export interface AccessVerdict {
  readonly allowed: boolean;
  readonly reason?: string;
}

interface ReviewStatus {
  authenticated?: boolean;
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
}

async function create(transport: KubeTransport, path: string, kind: string, spec: unknown) {
  const apiVersion = path.split("/").slice(2, 4).join("/");
  const body = (await transport({ method: "POST", path, body: { apiVersion, kind, spec } })) as {
    status?: ReviewStatus;
  } | null;
  return body?.status ?? {};
}

/** The token's owner, or undefined when the apiserver does not accept the token. */
export async function reviewToken(transport: KubeTransport, token: string): Promise<Identity | undefined> {
  const status = await create(transport, "/apis/authentication.k8s.io/v1/tokenreviews", "TokenReview", {
    token,
  });
  const user = status.user;
  if (status.authenticated !== true || !user?.username) return undefined;
  return {
    username: user.username,
    groups: user.groups ?? [],
    ...(user.uid ? { uid: user.uid } : {}),
    ...(user.extra ? { extra: user.extra } : {}),
  };
}

function attributes(check: AccessCheck) {
  return {
    verb: check.verb,
    group: check.group,
    resource: check.resource,
    namespace: check.namespace,
    ...(check.subresource ? { subresource: check.subresource } : {}),
    ...(check.name ? { name: check.name } : {}),
  };
}

function verdict(status: ReviewStatus): AccessVerdict {
  return {
    allowed: status.allowed === true && status.denied !== true,
    ...(status.reason ? { reason: status.reason } : {}),
  };
}

export async function reviewAccess(
  transport: KubeTransport,
  identity: Identity,
  check: AccessCheck,
): Promise<AccessVerdict> {
  const spec = {
    user: identity.username,
    groups: [...identity.groups],
    ...(identity.uid ? { uid: identity.uid } : {}),
    ...(identity.extra ? { extra: identity.extra } : {}),
    resourceAttributes: attributes(check),
  };
  const path = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
  return verdict(await create(transport, path, "SubjectAccessReview", spec));
}

/** Asked with the person's own credentials: no one else's rights are involved. */
export async function reviewOwnAccess(transport: KubeTransport, check: AccessCheck): Promise<AccessVerdict> {
  const path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  return verdict(
    await create(transport, path, "SelfSubjectAccessReview", { resourceAttributes: attributes(check) }),
  );
}
