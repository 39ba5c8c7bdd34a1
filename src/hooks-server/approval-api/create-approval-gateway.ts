/**
 * The approval API's Kubernetes calls, made as the hooks ServiceAccount with @kubernetes/client-node
 * 1.x: TokenReview and SubjectAccessReview (what kube-rbac-proxy does) to let the apiserver judge
 * each caller, then the UpdateRequest reads and the conditional status merge patch. Failures come
 * out as GatewayError with the apiserver's status (0 when it never answered), so the app can tell a
 * conflict from an outage without knowing the client library.
 */
import {
  ApiException,
  AuthenticationV1Api,
  AuthorizationV1Api,
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import type { KubeObject } from "../../core/kube-object.ts";
import type { UpdateRequest } from "../../core/updaterequests/update-request.ts";
import type { ApprovalGateway } from "./approval-gateway.ts";
import { GatewayError } from "./gateway-error.ts";

const ur = { group: "headwind.sh", version: "v1alpha1", plural: "updaterequests" };
const pageSize = 500;

function messageOf(body: unknown, fallback: string): string {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.slice(0, 500) || fallback;
    }
  }
  const message = (parsed as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : fallback;
}

/** Runs one call; any failure becomes a GatewayError, 404 becomes undefined where asked. */
async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiException)
      throw new GatewayError(error.code, `${what}: ${messageOf(error.body, error.message)}`);
    throw new GatewayError(0, `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function orMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof GatewayError && error.status === 404) return undefined;
    throw error;
  }
}

interface ObjectList<T> {
  items?: T[];
  metadata?: { continue?: string };
}

export function createApprovalGateway(config: KubeConfig): ApprovalGateway {
  const authn = config.makeApiClient(AuthenticationV1Api);
  const authz = config.makeApiClient(AuthorizationV1Api);
  const objects = config.makeApiClient(CustomObjectsApi);
  return {
    async authenticate(token) {
      const review = await call("TokenReview", () =>
        authn.createTokenReview({
          body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } },
        }),
      );
      const user = review.status?.user;
      if (review.status?.authenticated !== true || !user?.username) return undefined;
      return {
        username: user.username,
        groups: user.groups ?? [],
        ...(user.uid ? { uid: user.uid } : {}),
        ...(user.extra ? { extra: user.extra } : {}),
      };
    },
    async authorize(identity, check) {
      const review = await call("SubjectAccessReview", () =>
        authz.createSubjectAccessReview({
          body: {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SubjectAccessReview",
            spec: {
              user: identity.username,
              groups: [...identity.groups],
              ...(identity.uid ? { uid: identity.uid } : {}),
              ...(identity.extra
                ? { extra: Object.fromEntries(Object.entries(identity.extra).map(([k, v]) => [k, [...v]])) }
                : {}),
              resourceAttributes: {
                verb: check.verb,
                group: check.group,
                resource: check.resource,
                namespace: check.namespace,
                ...(check.subresource ? { subresource: check.subresource } : {}),
                ...(check.name ? { name: check.name } : {}),
              },
            },
          },
        }),
      );
      const status = review.status;
      return {
        allowed: status?.allowed === true && status.denied !== true,
        ...(status?.reason ? { reason: status.reason } : {}),
      };
    },
    async listUpdateRequests(namespace) {
      const items: UpdateRequest[] = [];
      let next: string | undefined;
      do {
        const page = (await call("list UpdateRequests", () =>
          namespace === undefined
            ? objects.listClusterCustomObject({ ...ur, limit: pageSize, _continue: next })
            : objects.listNamespacedCustomObject({ ...ur, namespace, limit: pageSize, _continue: next }),
        )) as ObjectList<UpdateRequest>;
        items.push(...(page.items ?? []));
        next = page.metadata?.continue || undefined;
      } while (next !== undefined);
      return items;
    },
    async getUpdateRequest(namespace, name) {
      return orMissing(
        call(
          `get UpdateRequest ${namespace}/${name}`,
          async () => (await objects.getNamespacedCustomObject({ ...ur, namespace, name })) as UpdateRequest,
        ),
      );
    },
    async patchUpdateRequestStatus(namespace, name, resourceVersion, status) {
      const options = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
      // metadata.resourceVersion in a merge patch makes it conditional: 409 if anyone wrote since.
      const body = { metadata: { resourceVersion }, status };
      return call(
        `patch UpdateRequest ${namespace}/${name} status`,
        async () =>
          (await objects.patchNamespacedCustomObjectStatus(
            { ...ur, namespace, name, body, fieldManager: "headwind-approval-api" },
            options,
          )) as UpdateRequest,
      );
    },
    async getDeployment(namespace, name) {
      return orMissing(
        call(
          `get Deployment ${namespace}/${name}`,
          async () =>
            (await objects.getNamespacedCustomObject({
              group: "apps",
              version: "v1",
              plural: "deployments",
              namespace,
              name,
            })) as KubeObject,
        ),
      );
    },
  };
}
